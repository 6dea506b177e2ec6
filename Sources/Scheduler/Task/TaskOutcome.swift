/// A value produced by a result task, handed from the task thread to the job's
/// result handler exactly once.
public struct TaskResultValue: @unchecked Sendable {
    // Unchecked: the value is created on a task thread, then only moved to the
    // event loop and on to the result handler; nobody mutates it meanwhile.
    /// The result, as the job's result function returned it (or its encoded bytes, from another process).
    public let value: Any
    /// Wraps `value`.
    public init(_ value: Any) { self.value = value }
}

/// What a task produced.
public enum TaskOutcome: Sendable {
    /// A shuffle map task's output description.
    case mapStatus(MapStatus)
    /// A result task's value.
    case value(TaskResultValue)
}

/// A task's final state, as reported to the TaskScheduler.
public enum TaskEndReason: Sendable {
    /// The task finished; its map status or result value.
    case success(TaskOutcome)
    /// The task threw; `description` is the error's text. Retried up to maxFailures.
    case exception(String)
    /// A shuffle input was missing: the parent stage must be recomputed, not retried here.
    case fetchFailed(shuffleId: Int, mapIndex: Int?, reduceId: Int, message: String)
    /// The task was killed (cancellation, stage abort).
    case killed(String)
    /// The executor running the task went away (its process exited, its connection dropped, or
    /// its heartbeats stopped). Not the task's fault: it is run again elsewhere and does not
    /// count toward `engine.task.maxFailures`, as Spark's ExecutorLostFailure.
    case executorLost(executorId: String, reason: String)
}
