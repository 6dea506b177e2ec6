/// Where tasks get execution memory (aggregation maps, sort buffers): the executor's
/// unified memory manager, or an unlimited budget when none is configured.
///
/// Spark's rule for N active tasks: each may hold at least 1/2N of the execution pool
/// before it must wait, and at most 1/N.
public protocol ExecutionMemoryBudget: Sendable {
    /// Grants up to `bytes` to task `taskAttemptId`; may block until other tasks release memory
    /// (never while this task holds less than 1/2N). Returns the bytes granted, which may be
    /// fewer than asked, or 0: then the caller spills what it holds and asks again.
    func acquireExecutionMemory(_ bytes: Int64, taskAttemptId: Int64) -> Int64
    /// Returns `bytes` of task `taskAttemptId`'s execution memory.
    func releaseExecutionMemory(_ bytes: Int64, taskAttemptId: Int64)
    /// Returns all execution memory of a task (when it ends, successfully or not); the amount freed.
    @discardableResult
    func releaseAllExecutionMemory(taskAttemptId: Int64) -> Int64
}

/// A budget that grants every request: for contexts without a memory limit and for tests.
public struct UnlimitedExecutionMemory: ExecutionMemoryBudget {
    /// An unlimited budget.
    public init() {}
    /// Grants all `bytes` at once.
    public func acquireExecutionMemory(_ bytes: Int64, taskAttemptId: Int64) -> Int64 { bytes }
    /// Does nothing: nothing is counted.
    public func releaseExecutionMemory(_ bytes: Int64, taskAttemptId: Int64) {}
    /// Returns 0: nothing is counted.
    public func releaseAllExecutionMemory(taskAttemptId: Int64) -> Int64 { 0 }
}
