import Broadcast
import Foundation
import Logging
import Storage
import Synchronization
import Threads

/// The shell around ``DAGSchedulerState``: one OS thread takes events in order, feeds
/// them to the state machine and carries out its directives — serializing and
/// broadcasting each stage's task binary once, handing task sets to the
/// ``TaskSchedulerImpl``, registering map outputs and completing ``JobWaiter``s.
public final class DAGScheduler: Sendable {
    private let taskScheduler: TaskSchedulerImpl
    private let codec: any TaskBinaryCodec
    private let broadcastManager: BroadcastManager
    private let mapOutputTracker: MapOutputTrackerMaster
    private let logger: Logger
    private let events = BlockingQueue<DAGSchedulerEvent>()
    // Touched only by the event loop thread; the Mutex makes that provable.
    private let state: Mutex<DAGSchedulerState>
    private let waiters = Mutex<[Int: JobWaiter]>([:])
    /// The task binaries of each active stage, one per attempt: an earlier attempt's tasks may
    /// still run (after an executor loss, say), so every binary lives until the stage ends.
    private let stageBinaries = Mutex<[Int: [(handle: BroadcastHandle, bytes: [UInt8])]]>([:])
    private let nextJobId = Mutex(0)
    private let stopped = Mutex(false)
    /// Fulfilled by the event loop thread as it ends.
    private let loopDone = Latch<Void>()
    /// Called with each finished job's summary (the job summary line, tests).
    private let jobListener: Mutex<(@Sendable (JobSummary) -> Void)?>

    /// `maxConsecutiveStageAttempts` is `engine.stage.maxConsecutiveAttempts`: see
    /// ``DAGSchedulerState/maxConsecutiveStageAttempts``.
    public init(taskScheduler: TaskSchedulerImpl, codec: any TaskBinaryCodec, broadcastManager: BroadcastManager,
                mapOutputTracker: MapOutputTrackerMaster, clock: any SchedulerClock = SystemClock(),
                maxConsecutiveStageAttempts: Int = DAGSchedulerState.defaultMaxConsecutiveStageAttempts,
                logger: Logger = Logger(label: "engine.DAGScheduler"),
                jobListener: (@Sendable (JobSummary) -> Void)? = nil) {
        self.taskScheduler = taskScheduler
        self.codec = codec
        self.broadcastManager = broadcastManager
        self.mapOutputTracker = mapOutputTracker
        self.logger = logger
        self.state = Mutex(DAGSchedulerState(clock: clock, maxConsecutiveStageAttempts: maxConsecutiveStageAttempts))
        self.jobListener = Mutex(jobListener)
        taskScheduler.setEventSink { [weak self] event in self?.post(event) }
        startOSThread(name: "dag-scheduler-event-loop") { [self] in
            while let event = events.take() { process(event) }
            loopDone.fulfill(())
        }
    }

    /// Queues an event for the loop.
    public func post(_ event: DAGSchedulerEvent) { events.put(event) }

    /// Submits a job computing `partitions` of `rdd` with `function`; returns at once.
    public func submitJob(rdd: any LineageNode, function: any JobFunction, partitions: [Int], callSite: String,
                          resultHandler: @escaping @Sendable (Int, TaskResultValue) -> Void) -> JobWaiter {
        let jobId = nextJobId.withLock { id in
            defer { id += 1 }
            return id
        }
        let waiter = JobWaiter(jobId: jobId, totalTasks: partitions.count, scheduler: self, resultHandler: resultHandler)
        if stopped.withLock({ $0 }) {
            waiter.finish(.failure(JobFailedError(jobId: jobId, reason: "the scheduler has been stopped", cancelled: true)))
            return waiter
        }
        if partitions.isEmpty {
            waiter.finish(.success(JobSummary(jobId: jobId, callSite: callSite, seconds: 0, stagesRun: [],
                                              stagesSkipped: [], tasksRun: 0, metrics: TaskMetrics())))
            return waiter
        }
        waiters.withLock { $0[jobId] = waiter }
        post(.jobSubmitted(jobId: jobId, rdd: rdd, function: function, partitions: partitions, callSite: callSite))
        return waiter
    }

    /// Runs a job to the end on the calling thread's behalf.
    public func runJob(rdd: any LineageNode, function: any JobFunction, partitions: [Int], callSite: String,
                       resultHandler: @escaping @Sendable (Int, TaskResultValue) -> Void) throws(JobFailedError) -> JobSummary {
        try submitJob(rdd: rdd, function: function, partitions: partitions, callSite: callSite,
                      resultHandler: resultHandler).awaitResult()
    }

    /// Cancels a running job: its tasks are killed and its waiter fails.
    public func cancelJob(_ jobId: Int, reason: String) { post(.jobCancelled(jobId: jobId, reason: reason)) }

    /// Cancels every running job.
    public func cancelAllJobs() { post(.allJobsCancelled) }

    /// Forgets shuffle `shuffleId`'s map outputs (the ContextCleaner removed the shuffle).
    public func unregisterShuffle(_ shuffleId: Int) { post(.shuffleUnregistered(shuffleId: shuffleId)) }

    /// Fails running jobs, then stops the event loop.
    public func stop() {
        let first = stopped.withLock { s -> Bool in
            defer { s = true }
            return !s
        }
        guard first else { return }
        post(.allJobsCancelled)
        events.close()
        loopDone.wait()
        for (_, w) in waiters.withLock({ $0 }) {
            w.finish(.failure(JobFailedError(jobId: w.jobId, reason: "the scheduler was stopped", cancelled: true)))
        }
    }

    /// A copy of the state machine, for tests and diagnostics.
    public var snapshot: DAGSchedulerState { state.withLock { $0 } }

    // MARK: - Event loop

    private func process(_ event: DAGSchedulerEvent) {
        var pending = [event]
        while !pending.isEmpty {
            let e = pending.removeFirst()
            let directives = state.withLock { $0.handle(e) }
            for d in directives {
                if let follow = execute(d) { pending.append(follow) }
            }
        }
    }

    /// Carries out one directive; returns an event to handle next, if the directive failed.
    private func execute(_ directive: SchedulerDirective) -> DAGSchedulerEvent? {
        switch directive {
        case .registerShuffle(let id, let numMaps):
            mapOutputTracker.registerShuffle(id, numMaps: numMaps)
        case .registerMapOutput(let id, let status):
            mapOutputTracker.registerMapOutput(id, status)
        case .unregisterMapOutput(let id, let mapIndex):
            if let m = mapIndex { mapOutputTracker.unregisterMapOutput(id, mapIndex: m) } else {
                mapOutputTracker.clearMapOutputs(id)
            }
        case .removeOutputsOnExecutor(let executorId):
            mapOutputTracker.removeOutputsOnExecutor(executorId)
        case .submitTasks(let request):
            let bytes: [UInt8]
            do {
                bytes = try codec.serialize(request.source)
            } catch {
                return .stageSubmissionFailed(stageId: request.stageId, reason: "Task not serializable: \(error)")
            }
            let handle: BroadcastHandle
            do {
                handle = try broadcastManager.newBroadcast(bytes: bytes)
            } catch {
                codec.release(bytes)
                return .stageSubmissionFailed(stageId: request.stageId,
                                              reason: "cannot broadcast the task binary of stage \(request.stageId): \(error)")
            }
            logger.debug("Created broadcast \(handle.id) for the task binary of stage \(request.stageId) (\(bytes.count) bytes)")
            if bytes.count > 1 << 20 {
                // As Spark: a large binary usually means a large value in a function; broadcast it instead.
                let line = "Broadcasting large task binary of stage \(request.stageId) with size \(bytes.count) bytes: "
                    + "hold large values in a broadcast variable rather than in the functions"
                logger.warning("\(line)")
            }
            stageBinaries.withLock { $0[request.stageId, default: []].append((handle, bytes)) }
            var taskSet = TaskSet(stageId: request.stageId, stageAttempt: request.stageAttempt,
                                  jobId: request.jobId, stageName: request.stageName,
                                  tasks: request.tasks, binary: handle)
            taskSet.preferredLocations = request.preferredLocations
            taskScheduler.submitTasks(taskSet)
        case .cancelTasks(let stageId, let reason):
            taskScheduler.cancelTasks(stageId: stageId, reason: reason)
        case .stageEnded(let stageId):
            // Tasks of earlier attempts still running are redundant now: stop them before
            // their binaries go.
            taskScheduler.cancelTasks(stageId: stageId, reason: "stage \(stageId) ended")
            for b in stageBinaries.withLock({ $0.removeValue(forKey: stageId) }) ?? [] {
                codec.release(b.bytes)
                broadcastManager.unbroadcast(b.handle)
            }
        case .mergeAccumulators(let updates):
            AccumulatorRegistry.merge(updates)
        case .deliverResult(let jobId, let index, let value):
            waiters.withLock { $0[jobId] }?.taskSucceeded(index, value)
        case .jobSucceeded(let summary):
            jobListener.withLock { $0 }?(summary)
            waiters.withLock { $0.removeValue(forKey: summary.jobId) }?.finish(.success(summary))
        case .jobFailed(let jobId, let reason, let cancelled):
            waiters.withLock { $0.removeValue(forKey: jobId) }?
                .finish(.failure(JobFailedError(jobId: jobId, reason: reason, cancelled: cancelled)))
        case .scheduleResubmit(let seconds):
            let deadline = DispatchTime.now() + seconds
            DispatchQueue.global().asyncAfter(deadline: deadline) { [weak self] in self?.post(.resubmitFailedStages) }
        case .log(let level, let message):
            logger.log(level: level, "\(message)")
        }
        return nil
    }
}
