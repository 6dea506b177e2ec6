import Foundation
import Logging
import Synchronization
import Threads

/// Runs tasks on a fixed set of OS threads, as Spark's Executor: `cores` threads,
/// each taking the next launched task, decoding the stage binary from its broadcast
/// and running it. Status goes to `statusSink`.
public final class Executor: Sendable {
    /// `driver` in local mode, else the executor's id.
    public let executorId: String
    /// Number of task threads.
    public let cores: Int
    /// What tasks running here use.
    public let env: TaskEnvironment
    private let codec: any TaskBinaryCodec
    private let queue = BlockingQueue<TaskDescription>()
    private let runningTasks = Mutex<[Int64: TaskContext]>([:])
    private let killedBeforeStart = Mutex<[Int64: String]>([:])
    /// Tasks launched and not yet started by a thread.
    private let queued = Mutex<Set<Int64>>([])
    private let statusSink: @Sendable (Int64, TaskEndReason, TaskMetrics) -> Void
    private let logger: Logger
    private let live = Mutex(0)

    /// Starts `cores` task threads.
    public init(executorId: String, cores: Int, env: TaskEnvironment, codec: any TaskBinaryCodec,
                logger: Logger = Logger(label: "engine.Executor"),
                statusSink: @escaping @Sendable (Int64, TaskEndReason, TaskMetrics) -> Void) {
        self.executorId = executorId
        self.cores = cores
        self.env = env
        self.codec = codec
        self.statusSink = statusSink
        self.logger = logger
        for i in 0..<cores {
            live.withLock { $0 += 1 }
            startOSThread(name: "executor task launch worker-\(i)") { [self] in
                while let task = queue.take() { run(task) }
                live.withLock { $0 -= 1 }
            }
        }
    }

    /// Queues a task for the next free thread.
    public func launchTask(_ task: TaskDescription) {
        queued.withLock { _ = $0.insert(task.taskId) }
        queue.put(task)
    }

    /// Asks a task to stop; it ends at its next interruption check with a `killed` status.
    public func killTask(_ taskId: Int64, reason: String) {
        if let ctx = runningTasks.withLock({ $0[taskId] }) {
            ctx.markInterrupted(reason)
        } else if queued.withLock({ $0.contains(taskId) }) {
            killedBeforeStart.withLock { $0[taskId] = reason }
            // The thread may have taken it meanwhile: it registers as running before it
            // looks for an early kill, so one of the two sees the other.
            if let ctx = runningTasks.withLock({ $0[taskId] }) {
                ctx.markInterrupted(reason)
                killedBeforeStart.withLock { _ = $0.removeValue(forKey: taskId) }
            }
        }  // else it has finished: nothing to kill
    }

    /// The metrics of the tasks running now, for heartbeats.
    public var runningTaskMetrics: [Int64: TaskMetrics] {
        runningTasks.withLock { $0 }.mapValues(\.metrics)
    }

    /// Stops the threads after the tasks already queued.
    public func stop() {
        queue.close()
        for ctx in runningTasks.withLock({ Array($0.values) }) { ctx.markInterrupted("executor stopped") }
    }

    private func run(_ task: TaskDescription) {
        let ctx = TaskContext(stageId: task.stageId, stageAttemptNumber: task.stageAttempt, partitionId: task.partition,
                              attemptNumber: task.attemptNumber, taskAttemptId: task.taskId, env: env)
        // Registered as running before leaving the queued set, so a kill always finds it.
        runningTasks.withLock { $0[task.taskId] = ctx }
        queued.withLock { _ = $0.remove(task.taskId) }
        if let reason = killedBeforeStart.withLock({ $0.removeValue(forKey: task.taskId) }) {
            runningTasks.withLock { _ = $0.removeValue(forKey: task.taskId) }
            statusSink(task.taskId, .killed(reason), TaskMetrics())
            return
        }
        logger.debug("Running \(task.name)")
        let start = DispatchTime.now().uptimeNanoseconds
        var reason: TaskEndReason
        do {
            let binary = try env.broadcastManager.readBytes(task.binary)
            try ctx.checkInterrupted()
            reason = .success(try TaskContext.withCurrent(ctx) { try codec.runTask(task, binary: binary, context: ctx) })
        } catch let e as TaskKilledError {
            reason = .killed(e.reason)
        } catch let e as MetadataFetchFailedError {
            reason = .fetchFailed(shuffleId: e.shuffleId, mapIndex: e.mapIndex, reduceId: e.reduceId, message: e.message)
        } catch let e as FetchFailedError {
            reason = .fetchFailed(shuffleId: e.shuffleId, mapIndex: e.mapIndex >= 0 ? e.mapIndex : nil,
                                  reduceId: e.reduceId, message: e.message)
        } catch {
            reason = .exception(String(describing: error))
        }
        if case .success = reason, ctx.isInterrupted { reason = .killed("killed after finishing") }
        var failed = true
        if case .success = reason { failed = false }
        ctx.markTaskCompleted(failed: failed)
        // Locks on cached blocks and unroll memory the task still holds, even when it failed.
        _ = env.blockManager.releaseAllLocks(forTask: task.taskId)
        let spilled = ctx.memoryManager.spilled
        let peak = ctx.memoryManager.peak
        ctx.memoryManager.releaseAll()
        ctx.updateMetrics {
            $0.runTimeNanos = DispatchTime.now().uptimeNanoseconds - start
            $0.memoryBytesSpilled += spilled.memory
            $0.diskBytesSpilled += spilled.disk
            $0.peakExecutionMemory = max($0.peakExecutionMemory, peak)
        }
        runningTasks.withLock { _ = $0.removeValue(forKey: task.taskId) }
        if case .success = reason { logger.debug("Finished \(task.name)") }
        statusSink(task.taskId, reason, ctx.metrics)
    }
}

/// A shuffle segment that could not be read: its map output must be recomputed.
public struct FetchFailedError: Error, CustomStringConvertible, Sendable {
    /// The shuffle whose output was missing.
    public let shuffleId: Int
    /// The map output that could not be read.
    public let mapIndex: Int
    /// The reduce partition that needed it.
    public let reduceId: Int
    /// What went wrong (unreachable executor, corrupt or truncated segment, …).
    public let message: String
    /// A fetch failure of one segment.
    public init(shuffleId: Int, mapIndex: Int, reduceId: Int, message: String) {
        self.shuffleId = shuffleId
        self.mapIndex = mapIndex
        self.reduceId = reduceId
        self.message = message
    }
    /// `fetch failed: shuffle S, map M, reduce R: MESSAGE`.
    public var description: String {
        "fetch failed: shuffle \(shuffleId), map \(mapIndex), reduce \(reduceId): \(message)"
    }
}
