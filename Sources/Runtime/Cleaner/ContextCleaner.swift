import Threads
import Foundation
import Logging
import Scheduler
import Synchronization

/// What the ``ContextCleaner`` removes once the job no longer refers to it, as Spark's CleanupTask.
package enum CleanupTask: Sendable, Hashable, CustomStringConvertible {
    /// The cached blocks of RDD `id` (a persisted or local-checkpointed RDD), on every executor.
    case rdd(Int)
    /// Shuffle `id`: its map output files on every executor and its registration with the
    /// MapOutputTracker and the DAGScheduler.
    case shuffle(Int)
    /// Broadcast `id`: its value and pieces, on the driver and on every executor.
    case broadcast(Int)
    /// The files of RDD `rddId`'s reliable checkpoint, under `path`
    /// (only with `engine.cleaner.referenceTracking.cleanCheckpoints`).
    case checkpoint(rddId: Int, path: String)

    /// As Spark's log lines name them: `RDD 5`, `shuffle 3`, `broadcast 7`, `rdd checkpoint data 5`.
    package var description: String {
        switch self {
        case .rdd(let id): return "RDD \(id)"
        case .shuffle(let id): return "shuffle \(id)"
        case .broadcast(let id): return "broadcast \(id)"
        case .checkpoint(let id, _): return "rdd checkpoint data \(id)"
        }
    }
}

/// How the cleaner's tasks are carried out: ``DriverRemovals`` on a driver, a recording fake in
/// tests. Each call runs on the cleaner's thread; a thrown error is logged and cleaning goes on.
package protocol CleanupActions: Sendable {
    /// Removes RDD `rddId`'s cached blocks; with `blocking`, waits for every executor to have done
    /// it. Returns how many the driver itself held.
    func removeRDD(_ rddId: Int, blocking: Bool) throws -> Int
    /// Removes shuffle `shuffleId`'s files and registrations; with `blocking`, waits for the executors.
    func removeShuffle(_ shuffleId: Int, blocking: Bool) throws
    /// Removes broadcast `broadcastId` everywhere; with `blocking`, waits for the executors.
    func removeBroadcast(_ broadcastId: Int, blocking: Bool) throws
    /// Deletes the checkpoint files of RDD `rddId` under `path`.
    func removeCheckpoint(rddId: Int, path: String) throws
}

/// The reference the job holds, in place of Spark's weak reference and reference queue: whatever
/// must be cleaned once the job drops it (an RDD, a shuffle dependency, a broadcast handle) holds
/// one token, strongly and only on the driver. When the last holder goes, the token's `deinit`
/// queues its task for the cleaner's thread; it does nothing else (no removal runs inside a deinit).
package final class CleanupToken: Sendable {
    /// What is removed when the token goes.
    package let task: CleanupTask
    private let queue: CleanupQueue

    fileprivate init(task: CleanupTask, queue: CleanupQueue) {
        self.task = task
        self.queue = queue
    }

    deinit { queue.put(task) }
}

/// The tokens of one object that may be registered for more than one task (an RDD: its cached
/// blocks, its checkpoint files), each at most once.
package final class CleanupTokens: Sendable {
    private let tokens = Mutex<[CleanupToken]>([])

    package init() {}

    /// Registers `task` with `cleaner` unless this object holds a token for it already; no-op without a cleaner.
    package func register(_ task: CleanupTask, with cleaner: ContextCleaner?) {
        guard let cleaner else { return }
        tokens.withLock { list in
            if !list.contains(where: { $0.task == task }) { list.append(cleaner.register(task)) }
        }
    }

    /// The tasks registered here.
    package var tasks: [CleanupTask] { tokens.withLock { $0.map(\.task) } }
}

/// What the cleaner has done: tasks carried out per kind, and failures.
package struct CleanerStatistics: Sendable, Equatable {
    package var rdds = 0
    package var shuffles = 0
    package var broadcasts = 0
    package var checkpoints = 0
    /// Tasks whose removal threw (logged as `Error cleaning …`).
    package var failures = 0

    package init(rdds: Int = 0, shuffles: Int = 0, broadcasts: Int = 0, checkpoints: Int = 0, failures: Int = 0) {
        self.rdds = rdds
        self.shuffles = shuffles
        self.broadcasts = broadcasts
        self.checkpoints = checkpoints
        self.failures = failures
    }
}

/// Spark's ContextCleaner: removes the shuffles, cached RDD blocks, broadcasts and (when asked)
/// checkpoint files that the job no longer refers to, on the driver and on every executor.
///
/// Reference tracking is deterministic: each tracked object holds a ``CleanupToken`` whose
/// `deinit` queues the task (see ``register(_:)``); one OS thread, `context-cleaner`, takes the
/// tasks in order and carries them out through ``CleanupActions`` — never on Swift's concurrency
/// pool and never inside a `deinit`. With `blocking` (`engine.cleaner.referenceTracking.blocking`,
/// as Spark's) the thread waits for the executors to acknowledge each removal.
///
/// Invariant: a task is carried out at most once per token, after its token was released, and
/// only while the cleaner runs (tasks still queued at ``stop()`` are dropped with the context).
package final class ContextCleaner: Sendable {
    /// Whether each removal waits for the executors' acknowledgement.
    package let blocking: Bool
    /// Whether checkpoint files are removed with their RDD (`engine.cleaner.referenceTracking.cleanCheckpoints`).
    package let cleanCheckpoints: Bool
    private let actions: any CleanupActions
    private let queue = CleanupQueue()
    private let logger: Logger
    private let stats = Mutex(CleanerStatistics())
    private let thread = Mutex<ThreadState>(.notStarted)
    private let threadDone = DispatchSemaphore(value: 0)

    private enum ThreadState { case notStarted, running, stopped }

    package init(actions: any CleanupActions, blocking: Bool = true, cleanCheckpoints: Bool = false,
                 logger: Logger = Logger(label: "engine.ContextCleaner")) {
        self.actions = actions
        self.blocking = blocking
        self.cleanCheckpoints = cleanCheckpoints
        self.logger = logger
    }

    /// The driver's cleaner as the configuration asks, started; nil when `engine.cleaner.referenceTracking` is false.
    package static func forDriver(conf: EngineConf, actions: any CleanupActions, logger: Logger) -> ContextCleaner? {
        guard conf.get(EngineKeys.cleanerReferenceTracking) else { return nil }
        let cleaner = ContextCleaner(actions: actions, blocking: conf.get(EngineKeys.cleanerReferenceTrackingBlocking),
                                     cleanCheckpoints: conf.get(EngineKeys.cleanerCleanCheckpoints), logger: logger)
        cleaner.start()
        return cleaner
    }

    /// Starts the cleaning thread. Idempotent.
    package func start() {
        let first = thread.withLock { s -> Bool in
            guard case .notStarted = s else { return false }
            s = .running
            return true
        }
        guard first else { return }
        startOSThread(name: "context-cleaner") { [self] in
            while let task = queue.take() {
                clean(task)
                queue.finished()
            }
            threadDone.signal()
        }
    }

    /// Stops the thread once the task it is carrying out is done; queued tasks are dropped, and
    /// tokens released later queue nothing. Idempotent.
    package func stop() {
        let wasRunning = thread.withLock { s -> Bool in
            defer { s = .stopped }
            if case .running = s { return true }
            return false
        }
        let dropped = queue.close()
        if dropped > 0 { logger.debug("Dropped \(dropped) cleaning tasks at stop") }
        if wasRunning { threadDone.wait() }
    }

    /// A token for `task`: when whoever holds it releases it, `task` is queued. The caller keeps
    /// the token with the object the task cleans, and nowhere else.
    package func register(_ task: CleanupTask) -> CleanupToken {
        logger.trace("Registered \(task) for cleanup")
        return CleanupToken(task: task, queue: queue)
    }

    /// Waits until every task queued so far has been carried out (for tests and tools that
    /// measure storage); false if that took longer than `timeout` seconds.
    package func waitUntilIdle(timeout: Double) -> Bool { queue.waitUntilIdle(timeout: timeout) }

    /// Tasks queued and not yet carried out.
    package var pendingTasks: Int { queue.pending }

    /// What the cleaner has done so far.
    package var statistics: CleanerStatistics { stats.withLock { $0 } }

    private func clean(_ task: CleanupTask) {
        logger.debug("Got cleaning task \(task)")
        do {
            switch task {
            case .rdd(let id): _ = try actions.removeRDD(id, blocking: blocking)
            case .shuffle(let id): try actions.removeShuffle(id, blocking: blocking)
            case .broadcast(let id): try actions.removeBroadcast(id, blocking: blocking)
            case .checkpoint(let id, let path): try actions.removeCheckpoint(rddId: id, path: path)
            }
        } catch {
            stats.withLock { $0.failures += 1 }
            logger.error("Error cleaning \(task): \(error)")
            return
        }
        stats.withLock { s in
            switch task {
            case .rdd: s.rdds += 1
            case .shuffle: s.shuffles += 1
            case .broadcast: s.broadcasts += 1
            case .checkpoint: s.checkpoints += 1
            }
        }
        logger.info("Cleaned \(task)")
    }
}

/// The cleaner's queue: tasks in release order, and whether one is being carried out (so that
/// ``waitUntilIdle(timeout:)`` knows when all are done).
private final class CleanupQueue: @unchecked Sendable {
    // Unchecked: every stored property is only touched while holding `condition`.
    private let condition = NSCondition()
    private var items: [CleanupTask] = []
    private var head = 0
    private var busy = false
    private var closed = false

    func put(_ task: CleanupTask) {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return }
        items.append(task)
        condition.broadcast()
    }

    /// The next task (marking the queue busy until ``finished()``); nil once closed.
    func take() -> CleanupTask? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        guard !closed else { return nil }
        let task = items[head]
        head += 1
        if head > 256 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        busy = true
        return task
    }

    func finished() {
        condition.lock()
        busy = false
        condition.broadcast()
        condition.unlock()
    }

    /// Refuses further tasks and drops the queued ones; returns how many were dropped.
    func close() -> Int {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        let dropped = items.count - head
        items = []
        head = 0
        condition.broadcast()
        return dropped
    }

    var pending: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count - head + (busy ? 1 : 0)
    }

    func waitUntilIdle(timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while (head < items.count || busy) && !closed {
            if !condition.wait(until: deadline) { return head == items.count && !busy }
        }
        return true
    }
}
