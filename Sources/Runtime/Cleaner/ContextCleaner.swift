import Threads
import Foundation
import Logging
import Scheduler
import Synchronization

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
    private let threadDone = Latch<Void>()

    private enum ThreadState { case notStarted, running, stopped }

    /// A cleaner that carries out its tasks through `actions`, not yet started (call ``start()``);
    /// the driver's comes from ``forDriver(conf:actions:logger:)``.
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
            threadDone.fulfill(())
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
