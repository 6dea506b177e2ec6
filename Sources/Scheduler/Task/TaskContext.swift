import Foundation
import Storage
import Synchronization

/// Raised inside a task that was asked to stop.
public struct TaskKilledError: Error, CustomStringConvertible, Sendable {
    /// Why the task was killed (job cancelled, stage aborted, …).
    public let reason: String
    /// `task killed: REASON`.
    public var description: String { "task killed: \(reason)" }
}

/// Per-task information and services, as Spark's TaskContext.
///
/// `TaskContext.get()` returns it inside a task (a function given to an operator runs in
/// one); it is nil on the driver.
public final class TaskContext: Sendable {
    /// The id of the stage the task belongs to (Spark's `TaskContext.stageId`).
    public let stageId: Int
    /// The stage attempt (Spark's `TaskContext.stageAttemptNumber`).
    public let stageAttemptNumber: Int
    /// The partition the task computes (Spark's `TaskContext.partitionId`).
    public let partitionId: Int
    /// How many times this task was attempted before (0 for the first attempt).
    public let attemptNumber: Int
    /// Unique id of this task attempt (Spark's TID).
    public let taskAttemptId: Int64
    /// The executor's services.
    public let env: TaskEnvironment
    /// This task's execution memory account (released in full when the task ends).
    public let memoryManager: TaskMemoryManager

    private let killReason = Mutex<String?>(nil)
    private let metricsBox = Mutex(TaskMetrics())
    private let listeners = Mutex<[@Sendable (TaskContext, Bool) -> Void]>([])

    /// A context for one task attempt; the executor makes it (tests make their own).
    public init(stageId: Int, stageAttemptNumber: Int, partitionId: Int, attemptNumber: Int,
                taskAttemptId: Int64, env: TaskEnvironment) {
        self.stageId = stageId
        self.stageAttemptNumber = stageAttemptNumber
        self.partitionId = partitionId
        self.attemptNumber = attemptNumber
        self.taskAttemptId = taskAttemptId
        self.env = env
        self.memoryManager = TaskMemoryManager(taskAttemptId: taskAttemptId, budget: env.executionMemory)
    }

    /// The context of the task running on the calling thread, or nil outside a task, as
    /// Spark's `TaskContext.get()`: lets a function passed to a transformation see its
    /// partition, attempt number and task attempt id.
    public static func get() -> TaskContext? {
        guard let raw = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<TaskContext>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Makes `context` the calling thread's current task context while `body` runs.
    public static func withCurrent<R>(_ context: TaskContext, _ body: () throws -> R) rethrows -> R {
        let previous = pthread_getspecific(currentKey)
        pthread_setspecific(currentKey, Unmanaged.passUnretained(context).toOpaque())
        defer { pthread_setspecific(currentKey, previous) }
        return try body()
    }

    /// Adds `update` to what this task reports for accumulator `id`.
    public func addAccumulatorUpdate(_ id: Int, _ update: AccumulatorUpdate) {
        metricsBox.withLock { m in
            m.accumulatorUpdates[id] = m.accumulatorUpdates[id].map { $0.merged(with: update) } ?? update
        }
    }

    /// Asks the task to stop at its next check.
    public func markInterrupted(_ reason: String) { killReason.withLock { $0 = $0 ?? reason } }

    /// True once the task was asked to stop.
    public var isInterrupted: Bool { killReason.withLock { $0 != nil } }

    /// Throws ``TaskKilledError`` if the task was asked to stop. Tasks call it between batches.
    public func checkInterrupted() throws(TaskKilledError) {
        if let r = killReason.withLock({ $0 }) { throw TaskKilledError(reason: r) }
    }

    /// Updates the task's metrics.
    public func updateMetrics(_ body: (inout TaskMetrics) -> Void) { metricsBox.withLock { body(&$0) } }

    /// A copy of the task's metrics.
    public var metrics: TaskMetrics { metricsBox.withLock { $0 } }

    /// Runs `listener(context, failed)` when the task ends, successfully or not (cleanup of temp files, locks).
    public func addTaskCompletionListener(_ listener: @escaping @Sendable (TaskContext, Bool) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    /// Called by the executor when the task body returns or throws.
    public func markTaskCompleted(failed: Bool) {
        let ls = listeners.withLock { l -> [@Sendable (TaskContext, Bool) -> Void] in
            let copy = l
            l.removeAll()
            return copy
        }
        for l in ls.reversed() { l(self, failed) }
    }
}

/// The thread-specific slot holding the running task's context (unretained: the executor
/// keeps the context alive while the task runs).
private let currentKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()
