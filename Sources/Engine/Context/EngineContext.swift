import Broadcast
import Foundation
import Logging
import Runtime
import Scheduler
import Storage
import Synchronization

/// The entry point of a job, as Spark's SparkContext: it holds the configuration,
/// creates RDDs from data and files, and runs jobs on the executors through the
/// DAGScheduler, TaskScheduler and SchedulerBackend.
///
/// ```swift
/// let ctx = try EngineContext(master: "local[4]", appName: "demo")
/// let squares = try ctx.parallelize(Array(1...100)).map { $0 * $0 }.collect()
/// ctx.stop()
/// ```
///
/// One context per driver process. Jobs started by ``EngineContext/main(appName:_:)`` under
/// `engine-submit` get theirs configured from the command line; ``stop()`` it when done.
public final class EngineContext: Sendable {
    /// The configuration the context was created with.
    public let conf: EngineConf
    /// Where the executors run, parsed from `engine.master` (`local[4]`, `local-cluster[2,1,512]`,
    /// `engine://HOST:PORT`), as Spark's `SparkContext.master`.
    public let master: MasterURL
    /// The application's name in logs (`engine.app.name`), as Spark's `SparkContext.appName`.
    public let appName: String
    /// The driver's executor environment (in local mode, the only one).
    public let env: TaskEnvironment
    /// The application's id: `local-1733312345678` (milliseconds since 1970) in local mode,
    /// `app-20261204170501-0042` with a cluster master, as Spark's `SparkContext.applicationId`.
    public let applicationId: String
    /// The executor's unified memory manager (storage and execution pools). Internal: its type
    /// is Storage's, which a job does not see (see Exports.swift).
    let memoryManager: UnifiedMemoryManager
    /// The driver's scheduling; nil in a context that rebuilds lineages on an executor.
    let driver: DriverRuntime?
    /// The driver's default parallelism, in a context that rebuilds lineages on an executor.
    let replayParallelism: Int?
    /// The driver's broadcast variables (nil in a context that rebuilds lineages on an executor).
    let broadcasts: DriverBroadcasts?
    /// Removes what the job no longer refers to (nil with `engine.cleaner.referenceTracking=false`, and on executors).
    package let cleaner: ContextCleaner?
    let logger: Logger
    private let rddIds = Mutex(0)
    private let shuffleIds = Mutex(0)
    private let stopped = Mutex(false)
    private let lastJob = LastJobBox()
    private let checkpointRoot = Mutex<String?>(nil)
    /// The job groups and tags of driver threads, and the running jobs they were given.
    let jobGroups = JobGroups()

    /// Creates a context. `master` and `appName` override the configuration's;
    /// the configuration's values come from the environment (engine-submit) and code.
    /// Throws when the master URL or a configuration value is malformed, or the local
    /// directories cannot be created.
    ///
    /// `appName` is used only when the configuration has no `engine.app.name` (engine-submit's
    /// `--name` sets one).
    ///
    /// Mirrors Spark's `new SparkContext(conf)`. With a cluster master it starts the driver's
    /// endpoint and waits up to `engine.executor.registrationTimeout` for executors to
    /// register: all E of `local-cluster[E,C,M]` (which it starts), or
    /// `engine.executor.minRegistered` of `engine://HOST:PORT`; it goes on with fewer, and
    /// fails with none.
    /// - Throws: `EngineError.badMasterURL` for a malformed master, `.badConf` for a malformed
    ///   configuration value, `.io` when a local directory cannot be created,
    ///   `.invalidArgument` when a cluster driver cannot listen at its address or no executor
    ///   registered in time.
    public init(master: String? = nil, appName: String? = nil, conf: EngineConf = EngineConf()) throws(EngineError) {
        var conf = conf
        if let master { conf.setMaster(master) }
        if let appName, conf.getRaw(EngineKeys.appName.name) == nil { conf.setAppName(appName) }
        try conf.validate()
        self.conf = conf
        self.master = try MasterURL.parse(conf.get(EngineKeys.master))
        self.appName = conf.get(EngineKeys.appName)
        self.applicationId = Self.makeApplicationId(self.master)
        EngineLogging.setUp(level: Logger.Level(rawValue: conf.get(EngineKeys.logLevel).lowercased()) ?? .info)
        logger = EngineLogging.logger("EngineContext")

        let runtime = try EngineEnv.createDriverEnv(conf: conf, master: self.master)
        let memoryManager = runtime.memoryManager
        self.memoryManager = memoryManager
        let memoryLine = "Executor memory \(ByteSize.format(conf.get(EngineKeys.executorMemory))): unified region "
            + "\(ByteSize.format(memoryManager.maxMemory)), storage region \(ByteSize.format(memoryManager.storagePoolSize))"
        logger.info("\(memoryLine)")
        let cluster = runtime.cluster
        let blockManager = runtime.blockManager
        let broadcastManager = runtime.broadcastManager
        let tracker = runtime.mapOutputTrackerMaster!  // a driver's environment always has the master
        let env = runtime.taskEnvironment
        self.env = env
        let broadcasts = DriverBroadcasts(manager: broadcastManager)
        self.broadcasts = broadcasts
        if let cluster {
            broadcasts.setExecutorRemoval { [weak cluster] id in cluster?.removeBroadcast(id) }
        }
        let codec: any TaskBinaryCodec = conf.get(EngineKeys.testPortableTaskBinaries) || cluster != nil
            ? PortableTaskBinaryCodec(conf: conf, logger: EngineLogging.logger("TaskBinary")) : LocalTaskBinaryCodec()
        let taskScheduler = TaskSchedulerImpl(maxTaskFailures: conf.get(EngineKeys.taskMaxFailures),
                                          logger: EngineLogging.logger("TaskSchedulerImpl"))
        let cores = self.master.cores
        let executorLogger = EngineLogging.logger("Executor")
        let backend: any SchedulerBackend
        if cluster != nil {
            backend = CoarseGrainedSchedulerBackend(driverBuildId: BuildIdentity.current,
                                                    networkTimeout: conf.get(EngineKeys.networkTimeout),
                                                    logger: EngineLogging.logger("CoarseGrainedSchedulerBackend"))
        } else {
            backend = LocalSchedulerBackend(cores: cores) { statusSink in
                Executor(executorId: "driver", cores: cores, env: env, codec: codec, logger: executorLogger,
                         statusSink: statusSink)
            }
        }
        let lastJob = self.lastJob
        let summaryLogger = EngineLogging.logger("DAGScheduler")
        let storageLogger = EngineLogging.logger("BlockManager")
        let dagScheduler = DAGScheduler(taskScheduler: taskScheduler, codec: codec, broadcastManager: broadcastManager,
                                    mapOutputTracker: tracker,
                                    maxConsecutiveStageAttempts: conf.get(EngineKeys.stageMaxConsecutiveAttempts),
                                    logger: EngineLogging.logger("DAGScheduler"),
                                    jobListener: { summary in
                                        lastJob.value.withLock { $0 = summary }
                                        lastJob.totals.withLock { $0.add(summary.metrics) }
                                        summaryLogger.info("\(JobSummaryText.describe(summary))")
                                        // In cluster mode the executors' storage is theirs to report.
                                        if cluster == nil { storageLogger.info("\(JobSummaryText.storage(blockManager))") }
                                    })
        taskScheduler.start(backend: backend)
        driver = DriverRuntime(dagScheduler: dagScheduler, taskScheduler: taskScheduler, backend: backend, codec: codec,
                               cluster: cluster)
        replayParallelism = nil
        cleaner = ContextCleaner.forDriver(conf: conf, actions: Self.removals(env, dagScheduler, cluster, conf),
                                           logger: EngineLogging.logger("ContextCleaner"))
        (codec as? PortableTaskBinaryCodec)?.attach(driverContext: self)
        if let cluster, let coarse = backend as? CoarseGrainedSchedulerBackend {
            do {
                try cluster.start(backend: coarse, tracker: tracker, blockManagerMaster: env.blockManagerMaster,
                                  blockManager: blockManager, broadcastManager: broadcastManager,
                                  shuffleManager: runtime.shuffleManager, conf: conf)
            } catch {
                stop()
                throw error
            }
        }
        logger.info("Running engine for app '\(self.appName)' with master \(self.master) (libuv \(EngineEnv.libuvVersion))")
    }

    /// Default number of partitions: `engine.default.parallelism`, else the master's cores.
    ///
    /// Mirrors Spark's `SparkContext.defaultParallelism`: N for `local[N]`; with a cluster
    /// master, the registered executors' cores in all (at least 2).
    public var defaultParallelism: Int {
        let configured = conf.get(EngineKeys.defaultParallelism)
        if let replayParallelism { return replayParallelism }
        return configured > 0 ? configured : driver?.backend.defaultParallelism ?? 1
    }

    /// Default minimum partitions of text files: min(defaultParallelism, 2), as Spark.
    ///
    /// Mirrors Spark's `SparkContext.defaultMinPartitions`.
    public var defaultMinPartitions: Int { min(defaultParallelism, 2) }

    /// The summary of the last job that succeeded (stages run and skipped, metrics).
    ///
    /// Nil before the first job. The summary is also logged at `engine.log.level=info`.
    public var lastJobSummary: JobSummary? { lastJob.value.withLock { $0 } }

    /// The metrics of every job that succeeded so far, added up (spills, shuffle bytes, …).
    public var totalMetrics: TaskMetrics { lastJob.totals.withLock { $0 } }

    func newRDDId() -> Int { rddIds.withLock { id in defer { id += 1 }; return id } }
    func newShuffleId() -> Int { shuffleIds.withLock { id in defer { id += 1 }; return id } }

    /// The next RDD and shuffle ids, before an operator call (see ``recordCall``).
    @usableFromInline var idMark: (rdd: Int, shuffle: Int) { (rddIds.withLock { $0 }, shuffleIds.withLock { $0 }) }

    /// Makes the next ids those a recorded call took on the driver (replay on an executor).
    func resetIds(rdd: Int, shuffle: Int) {
        rddIds.withLock { $0 = rdd }
        shuffleIds.withLock { $0 = shuffle }
    }

    /// A context that only rebuilds lineages (on an executor): no scheduler, the executor's environment,
    /// and the driver's default parallelism so that replayed operators choose as the driver did.
    init(replayingOn env: TaskEnvironment, conf: EngineConf, defaultParallelism: Int) {
        self.conf = conf
        self.master = .local(threads: 1)
        self.appName = conf.get(EngineKeys.appName)
        self.applicationId = "replay"
        self.env = env
        self.memoryManager = env.blockManager.memoryManager
        self.logger = EngineLogging.logger("EngineContext")
        self.driver = nil
        self.replayParallelism = defaultParallelism
        self.broadcasts = nil
        self.cleaner = nil
    }

    /// Sets the directory under which `checkpoint()` writes RDDs (a fresh subdirectory per
    /// context, as Spark), creating it if needed.
    ///
    /// Mirrors Spark's `SparkContext.setCheckpointDir`.
    /// - Throws: `EngineError.io` when the directory cannot be created.
    public func setCheckpointDir(_ path: String) throws(EngineError) {
        let dir = (path as NSString).appendingPathComponent(UUID().uuidString.lowercased())
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw .io(path: path, reason: "cannot create the checkpoint directory: \(error.localizedDescription)")
        }
        checkpointRoot.withLock { $0 = dir }
    }

    /// Where `checkpoint()` writes, once ``setCheckpointDir(_:)`` was called.
    ///
    /// Mirrors Spark's `SparkContext.getCheckpointDir`.
    public var checkpointDir: String? { checkpointRoot.withLock { $0 } }

    /// Cancels every running job: their tasks are killed and their actions throw
    /// `EngineError.jobCancelled`. Call it from another thread than the one waiting.
    ///
    /// Mirrors Spark's `SparkContext.cancelAllJobs`.
    public func cancelAllJobs() { driver?.dagScheduler.cancelAllJobs() }

    /// Stops the scheduler and executors and removes the local directories. Idempotent.
    ///
    /// Mirrors Spark's `SparkContext.stop`: with a cluster master, executors are sent
    /// StopExecutor, and `local-cluster` executors still running after 10 s are killed. Actions
    /// called afterwards throw `EngineError.contextStopped`.
    public func stop() {
        let first = stopped.withLock { s -> Bool in defer { s = true }; return !s }
        guard first else { return }
        guard let driver else { return }
        cleaner?.stop()
        driver.dagScheduler.stop()
        driver.backend.stop()
        driver.cluster?.stop()
        env.blockManager.stop()
        logger.info("Successfully stopped EngineContext")
    }

    var isStopped: Bool { stopped.withLock { $0 } }

    /// Runs `body` as the job function of an internal job that has no operator type of its own yet:
    /// it runs in local mode only (elsewhere the job fails, naming the operation, before any task runs).
    @usableFromInline
    func runJob<T, U>(_ rdd: RDD<T>, partitions: [Int]? = nil, callSite: String, writesCheckpoints: Bool = true,
                      _ body: @escaping @Sendable (TaskContext, PartitionStream<T>) throws -> U) throws(EngineError) -> [U] {
        try runJob(rdd, partitions: partitions, callSite: callSite, writesCheckpoints: writesCheckpoints,
                   function: ResultFunction(.notSerializable(callSite), body))
    }

    /// Runs `function` on `partitions` of `rdd` (all when nil) and returns the results in partition order.
    /// With executors in other processes, every function of the lineage must be able to travel: one that
    /// cannot fails the job here, before any task runs.
    @usableFromInline
    func runJob<T, U>(_ rdd: RDD<T>, partitions: [Int]? = nil, callSite: String, writesCheckpoints: Bool = true,
                      function: ResultFunction<T, U>) throws(EngineError) -> [U] {
        guard !isStopped else { throw .contextStopped }
        guard let driver else { throw .invalidArgument("actions run on the driver, not inside a task") }
        if let bad = lineageArgumentError(rdd) { throw .invalidArgument(bad) }
        let portable = driver.codec is PortableTaskBinaryCodec
        if portable {
            // A job run with a bare closure (checkpoint writing) has no recorded action to rebuild.
            if function.origin.value == nil { throw .jobFailed("\(ShippingError.unsupported(callSite))") }
            do {
                let broadcasts = self.broadcasts
                try PortableTaskBinaryCodec.validate(rdd: rdd, function: function) { broadcasts?.destroyedMessage($0) }
            } catch {
                throw .jobFailed("\(error)")
            }
        }
        let parts = partitions ?? Array(0..<rdd.numPartitions)
        let results = Mutex<[Unchecked<U>?]>(Array(repeating: nil, count: parts.count))
        let decodeFailure = Mutex<String?>(nil)
        do {
            let waiter = driver.dagScheduler.submitJob(rdd: rdd, function: function, partitions: parts,
                                                       callSite: callSite) { index, value in
                let v: Unchecked<U>
                // Internal: a portable job's result function encodes its results to bytes, a local
                // job's returns U; the task's data never picks the type.
                if portable {
                    do {
                        v = Unchecked(try function.decodeEncodedResult(value.value as! [UInt8]))
                    } catch {
                        decodeFailure.withLock { $0 = "Job aborted: a task's result could not be decoded: \(error)" }
                        return
                    }
                } else {
                    v = Unchecked(value.value as! U)
                }
                results.withLock { $0[index] = v }
            }
            jobGroups.started(waiter.jobId)
            defer { jobGroups.finished(waiter.jobId) }
            _ = try waiter.awaitResult()
        } catch {
            if error.cancelled { throw .jobCancelled(error.reason) }
            throw .jobFailed(error.reason)
        }
        if let failure = decodeFailure.withLock({ $0 }) { throw .jobFailed(failure) }
        if writesCheckpoints {
            do {
                try writeCheckpoints(after: rdd)
            } catch let e as EngineError {
                throw e
            } catch {
                throw .jobFailed("Job aborted: writing a checkpoint failed: \(error)")
            }
        }
        return results.withLock { r in r.map { $0!.value } }
    }

    /// Runs `job` with a context configured from engine-submit's environment, then stops the
    /// context and exits: 0 on success; on error one line `NAME: message` on stderr and exit 1.
    /// Command-line arguments after the program name are passed to `job`.
    ///
    /// Started as `JOB --executor --driver engine://HOST:PORT --cores C --memory M`, the binary
    /// runs as an executor of that driver instead of running `job` (see ``runExecutorIfRequested(appName:)``).
    ///
    /// ```swift
    /// import Engine
    ///
    /// EngineContext.main(appName: "line-count") { ctx, args in
    ///     print(try ctx.textFile(args[0]).count())
    /// }
    /// ```
    ///
    /// Never returns. Errors thrown by `job` are printed, not rethrown.
    public static func main(appName: String, _ job: (EngineContext, [String]) throws -> Void) -> Never {
        runExecutorIfRequested(appName: appName)
        let args = Array(CommandLine.arguments.dropFirst())
        let ctx: EngineContext
        do {
            ctx = try EngineContext(appName: appName)
        } catch {
            FileHandle.standardError.write(Data("\(appName): \(error)\n".utf8))
            exit(1)
        }
        do {
            try job(ctx, args)
        } catch {
            ctx.stop()
            FileHandle.standardError.write(Data("\(appName): \(error)\n".utf8))
            exit(1)
        }
        ctx.stop()
        exit(0)
    }
}



extension EngineContext {
    /// When this process was started in executor mode
    /// (`JOB --executor --driver engine://HOST:PORT --cores C --memory M [--executor-id ID] [--host ADDRESS]`),
    /// runs as that driver's executor and exits; otherwise returns at once. ``main(appName:_:)``
    /// calls it first; a job with its own entry point must call it before anything else, so that
    /// the same binary serves as driver and executor.
    ///
    /// In executor mode it exits the process: status 0 when the driver stopped it, 1 with one
    /// line on stderr when the command line is wrong or the driver was lost.
    public static func runExecutorIfRequested(appName: String) {
        let args = Array(CommandLine.arguments.dropFirst())
        guard ExecutorArguments.requested(args) else { return }
        ExecutorProcess.run(args, appName: appName) { conf in
            PortableTaskBinaryCodec(conf: conf, logger: EngineLogging.logger("TaskBinary"))
        }
    }
}

/// Holds the last job's summary; a class so the scheduler's listener can share it.
final class LastJobBox: Sendable {
    let value = Mutex<JobSummary?>(nil)
    let totals = Mutex(TaskMetrics())
}

/// The driver's scheduling parts, as SparkContext holds them.
final class DriverRuntime: Sendable {
    let dagScheduler: DAGScheduler
    let taskScheduler: TaskSchedulerImpl
    let backend: any SchedulerBackend
    let codec: any TaskBinaryCodec
    /// With a cluster master: the network endpoint, launcher and heartbeat check.
    let cluster: ClusterDriver?

    init(dagScheduler: DAGScheduler, taskScheduler: TaskSchedulerImpl, backend: any SchedulerBackend, codec: any TaskBinaryCodec,
         cluster: ClusterDriver? = nil) {
        self.dagScheduler = dagScheduler
        self.taskScheduler = taskScheduler
        self.backend = backend
        self.codec = codec
        self.cluster = cluster
    }
}
