import Foundation
import Logging
import Synchronization
import Threads

/// Runs tasks on executors in other processes, each reached through an
/// ``ExecutorChannel``, as Spark's CoarseGrainedSchedulerBackend with its DriverEndpoint and
/// HeartbeatReceiver. It knows nothing of the transport: the network layer calls
/// ``registerExecutor(_:channel:)``, ``statusUpdate(executorId:taskId:reason:metrics:)``,
/// ``heartbeat(executorId:taskMetrics:blockManagerAlive:)`` and
/// ``removeExecutor(_:reason:)`` as messages arrive or connections drop, and calls
/// ``checkHeartbeats()`` periodically.
///
/// Offers (``reviveOffers()``) are made when tasks are submitted, when a task ends and
/// when an executor registers; they are built and handed to the TaskScheduler under the
/// backend's one lock, so offer rounds are serialized and no core is offered twice. The
/// tasks are launched through their executors' channels after the lock is released.
///
/// Invariant: an executor's free cores plus its running tasks equal its cores.
///
/// Lock order: `registrations` (the condition ``waitForExecutors(minRegistered:timeout:)``
/// waits on) → `state` → the TaskSchedulerImpl's lock (``TaskSchedulerImpl/resourceOffers(_:)``
/// is called under `state`). Nothing else is called under `state`: channels, the log and
/// the TaskScheduler calls that may call back here (`statusUpdate`, `executorAdded`,
/// `executorLost`) are called without it.
public final class CoarseGrainedSchedulerBackend: SchedulerBackend {
    /// What the driver knows of one registered executor (Spark's ExecutorData).
    private struct ExecutorData {
        let info: ExecutorInfo
        let channel: any ExecutorChannel
        var freeCores: Int
        /// When the executor registered or last sent a heartbeat, by the injected clock.
        var lastSeen: Double
        /// False while the executor reports its BlockManager dead: it is offered no tasks.
        var blockManagerAlive = true
        var runningTasks: Set<Int64> = []
        /// Metrics of running tasks, from the latest heartbeat.
        var taskMetrics: [Int64: TaskMetrics] = [:]
    }

    private struct State {
        var executors: [String: ExecutorData] = [:]
        var scheduler: TaskSchedulerImpl?
        var stopped = false
    }

    /// The build-id of the driver's binary; executors must present the same.
    public let driverBuildId: String
    /// `engine.network.timeout` (Spark's `spark.network.timeout`), in seconds: an executor
    /// silent for longer is removed by ``checkHeartbeats()``.
    public let networkTimeout: Double
    private let clock: any SchedulerClock
    private let logger: Logger
    private let state = Mutex(State())
    /// Guards nothing: ``waitForExecutors(minRegistered:timeout:)`` waits on it, re-reading
    /// `state` each time it is woken; a registration and ``stop()`` notify it after changing `state`.
    private let registrations = ConditionLock(())

    /// A backend for a driver whose binary has build-id `driverBuildId`. Heartbeat times come
    /// from `clock`; ``waitForExecutors(minRegistered:timeout:)`` waits in real time.
    public init(driverBuildId: String, networkTimeout: Double = 120, clock: any SchedulerClock = SystemClock(),
                logger: Logger = Logger(label: "engine.CoarseGrainedSchedulerBackend")) {
        self.driverBuildId = driverBuildId
        self.networkTimeout = networkTimeout
        self.clock = clock
        self.logger = logger
    }

    // MARK: - SchedulerBackend

    /// Remembers the scheduler that registered executors' cores are offered to.
    public func start(scheduler: TaskSchedulerImpl) { state.withLock { $0.scheduler = scheduler } }

    /// Offers the free cores of every registered executor.
    public func reviveOffers() { makeOffers() }

    /// Sends KillTask down the executor's channel; an unknown executor is logged and ignored.
    public func killTask(taskId: Int64, executorId: String, reason: String) {
        guard let channel = state.withLock({ $0.executors[executorId]?.channel }) else {
            logger.warning("Attempted to kill task \(taskId) for unknown executor \(executorId).")
            return
        }
        channel.kill(taskId: taskId, reason: reason)
    }

    /// Asks every executor to shut down; later registrations are refused.
    public func stop() {
        let channels: [any ExecutorChannel] = state.withLock { s in
            guard !s.stopped else { return [] }
            s.stopped = true
            return s.executors.values.sorted { $0.info.id < $1.info.id }.map(\.channel)
        }
        if !channels.isEmpty { logger.info("Asking each executor to shut down") }
        for c in channels { c.stop() }
        registrations.notifyAll()
    }

    /// Total cores of the registered executors, and at least 2, as Spark's default parallelism.
    public var defaultParallelism: Int { max(totalCores, 2) }

    // MARK: - Executors

    /// Adds an executor, as Spark's DriverEndpoint on RegisterExecutor. Refused when the id is
    /// taken, when the executor runs another build than the driver (tasks name functions by
    /// their place in the binary), when it offers no core, or after ``stop()``.
    public func registerExecutor(_ info: ExecutorInfo, channel: any ExecutorChannel) -> RegistrationResult {
        let now = clock.now()
        let refusal: String? = state.withLock { s in
            if s.stopped { return "Executor \(info.id) cannot register: the driver is stopping" }
            if let existing = s.executors[info.id] {
                return "Duplicate executor ID: \(info.id) (already registered from \(existing.info.host):"
                    + "\(existing.info.port)): give each executor a unique id"
            }
            if info.buildId != driverBuildId {
                return "Executor \(info.id) runs a different build (build id \(info.buildId), driver has "
                    + "\(driverBuildId)): start executors from the same binary as the driver"
            }
            if info.cores < 1 {
                return "Executor \(info.id) offers \(info.cores) cores: start it with at least one core"
            }
            s.executors[info.id] = ExecutorData(info: info, channel: channel, freeCores: info.cores, lastSeen: now)
            return nil
        }
        if let refusal {
            logger.error("Refused executor \(info.id) (\(info.host):\(info.port)): \(refusal)")
            return .failed(message: refusal)
        }
        logger.info("Registered executor \(info.id) (\(info.host):\(info.port)) with \(info.cores) cores, \(info.memoryMB) MB")
        scheduler?.executorAdded(executorId: info.id, host: info.host)
        registrations.notifyAll()
        makeOffers()
        return .registered
    }

    /// A task ended on an executor: its core is free again, the TaskScheduler learns why,
    /// and the free cores are offered. Updates from executors not registered (removed, or
    /// never known) are ignored: their tasks were already given up and run elsewhere.
    public func statusUpdate(executorId: String, taskId: Int64, reason: TaskEndReason, metrics: TaskMetrics) {
        let known = state.withLock { s -> Bool in
            guard var e = s.executors[executorId] else { return false }
            if e.runningTasks.remove(taskId) != nil { e.freeCores += 1 }
            e.taskMetrics.removeValue(forKey: taskId)
            s.executors[executorId] = e
            return true
        }
        guard known else {
            logger.warning("Ignored task status update (TID \(taskId)) from unknown executor with ID \(executorId)")
            return
        }
        scheduler?.statusUpdate(taskId: taskId, reason: reason, metrics: metrics)
        makeOffers()
    }

    /// An executor's heartbeat, as Spark's HeartbeatReceiver: records when it was last seen
    /// (by the injected clock) and its running tasks' metrics. An executor whose BlockManager
    /// is not alive keeps its running tasks but is offered no new ones until it is again.
    /// Returns false when the executor is not registered: the network layer should tell it
    /// to register again or to exit.
    @discardableResult
    public func heartbeat(executorId: String, taskMetrics: [Int64: TaskMetrics], blockManagerAlive: Bool) -> Bool {
        let now = clock.now()
        let wasAlive: Bool? = state.withLock { s in
            guard var e = s.executors[executorId] else { return nil }
            let was = e.blockManagerAlive
            e.lastSeen = now
            e.taskMetrics = taskMetrics.filter { e.runningTasks.contains($0.key) }
            e.blockManagerAlive = blockManagerAlive
            s.executors[executorId] = e
            return was
        }
        guard let wasAlive else {
            logger.info("Received heartbeat from unknown executor \(executorId)")
            return false
        }
        if wasAlive && !blockManagerAlive {
            logger.warning("Executor \(executorId) reports its BlockManager is not alive: no tasks are offered to it until it is")
        } else if !wasAlive && blockManagerAlive {
            logger.info("Executor \(executorId) reports its BlockManager alive again")
            makeOffers()
        }
        return true
    }

    /// Removes every executor silent for longer than ``networkTimeout`` (Spark's
    /// HeartbeatReceiver.expireDeadHosts): it is asked to stop, and its tasks run elsewhere.
    public func checkHeartbeats() {
        let now = clock.now()
        let expired: [ExecutorData] = state.withLock { s in
            let dead = s.executors.values.filter { now - $0.lastSeen > networkTimeout }.sorted { $0.info.id < $1.info.id }
            for d in dead { s.executors.removeValue(forKey: d.info.id) }
            return dead
        }
        for data in expired {
            let silent = Int(((now - data.lastSeen) * 1000).rounded())
            let timeout = Int((networkTimeout * 1000).rounded())
            logger.warning("Removing executor \(data.info.id) with no recent heartbeats: \(silent) ms exceeds timeout \(timeout) ms")
            data.channel.stop()
            executorRemoved(data, reason: "Executor heartbeat timed out after \(silent) ms")
        }
    }

    /// Forgets an executor whose connection dropped or whose process exited: its cores are
    /// no longer offered, and the TaskScheduler reruns its tasks and the DAGScheduler
    /// forgets its map outputs.
    public func removeExecutor(_ executorId: String, reason: String) {
        let (data, stopped) = state.withLock { ($0.executors.removeValue(forKey: executorId), $0.stopped) }
        guard let data else {
            logger.info("Asked to remove non-existent executor \(executorId)")
            return
        }
        if stopped {
            // Told to stop by ``stop()``: its leaving is expected, and no task needs it.
            logger.info("Executor \(executorId) left: \(reason)")
            return
        }
        executorRemoved(data, reason: reason)
    }

    private func executorRemoved(_ data: ExecutorData, reason: String) {
        logger.error("Lost executor \(data.info.id) on \(data.info.host): \(reason)")
        scheduler?.executorLost(executorId: data.info.id, reason: reason)
    }

    /// Blocks the calling thread until at least `minRegistered` executors are registered or
    /// `timeout` seconds (real time) have passed, or the backend stopped; returns how many
    /// are registered. Spark's `spark.scheduler.minRegisteredResourcesRatio` wait.
    public func waitForExecutors(minRegistered: Int, timeout: Double) -> Int {
        registrations.wait(timeout: max(0, timeout)) { _ in
            let (count, stopped) = state.withLock { ($0.executors.count, $0.stopped) }
            return count >= minRegistered || stopped ? count : nil
        } ?? registeredExecutors.count
    }

    // MARK: - Reading

    /// The registered executors, by id.
    public var registeredExecutors: [ExecutorInfo] {
        state.withLock { $0.executors.values.map(\.info) }.sorted { $0.id < $1.id }
    }

    /// Cores of the registered executors.
    public var totalCores: Int { state.withLock { $0.executors.values.reduce(0) { $0 + $1.info.cores } } }

    /// Free cores of executor `executorId`, nil when it is not registered.
    public func freeCores(executorId: String) -> Int? { state.withLock { $0.executors[executorId]?.freeCores } }

    /// Ids of the tasks running on executor `executorId`.
    public func runningTasks(executorId: String) -> Set<Int64> {
        state.withLock { $0.executors[executorId]?.runningTasks ?? [] }
    }

    /// Metrics of the tasks running on `executorId`, from its latest heartbeat.
    public func runningTaskMetrics(executorId: String) -> [Int64: TaskMetrics] {
        state.withLock { $0.executors[executorId]?.taskMetrics ?? [:] }
    }

    /// Checks the invariant stated on the type; returns the violations (empty when sound).
    public func checkInvariants() -> [String] {
        state.withLock { s in
            s.executors.values.sorted { $0.info.id < $1.info.id }.compactMap { e in
                e.freeCores >= 0 && e.freeCores + e.runningTasks.count == e.info.cores ? nil
                    : "executor \(e.info.id): \(e.freeCores) free cores and \(e.runningTasks.count) running tasks "
                        + "for \(e.info.cores) cores"
            }
        }
    }

    // MARK: - Offers

    private var scheduler: TaskSchedulerImpl? { state.withLock { $0.scheduler } }

    /// Offers every free core (Spark's DriverEndpoint.makeOffers), then launches the tasks.
    private func makeOffers() {
        let launches: [(channel: any ExecutorChannel, task: TaskDescription)] = state.withLock { s in
            guard !s.stopped, let scheduler = s.scheduler else { return [] }
            let offers = s.executors.values.filter { $0.blockManagerAlive && $0.freeCores > 0 }
                .sorted { $0.info.id < $1.info.id }
                .map { WorkerOffer(executorId: $0.info.id, host: $0.info.host, cores: $0.freeCores) }
            guard !offers.isEmpty else { return [] }
            var launches: [(channel: any ExecutorChannel, task: TaskDescription)] = []
            for task in scheduler.resourceOffers(offers) {
                // Offered under this lock, so the executor is still registered.
                guard var e = s.executors[task.executorId] else { continue }
                e.freeCores -= 1
                e.runningTasks.insert(task.taskId)
                s.executors[task.executorId] = e
                launches.append((e.channel, task))
            }
            return launches
        }
        for (channel, task) in launches {
            logger.debug("Launching \(task.name) on executor \(task.executorId)")
            channel.launch(task)
        }
    }
}
