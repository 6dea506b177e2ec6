/// Why a stage's work cannot travel to, or be rebuilt on, an executor in another process.
public enum ShippingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A function of the lineage cannot travel (as Spark's "Task not serializable").
    case notSerializable(operation: String, callSite: String, reason: String)
    /// An operation that cannot run on executors in other processes yet, such as
    /// `checkpoint at Job.swift:12`.
    case unsupported(String)
    /// A task binary that does not decode in this build.
    case corrupt(String)
    /// A function refers to a broadcast destroyed on the driver.
    case destroyedBroadcast(operation: String, callSite: String, message: String)

    /// The message a failed job reports: `Task not serializable: map at Job.swift:12 captures
    /// context; …`, naming the operation, its call site and what to do.
    public var description: String {
        switch self {
        case .notSerializable(let operation, let callSite, let reason):
            return "Task not serializable: \(operation) at \(callSite) \(reason); executors in other processes "
                + "can run only closure literals that capture nothing, or values of a named Codable function type "
                + "(MapFunction, FlatMapFunction, FilterFunction, ReduceFunction) holding what they need as fields; "
                + "or run with --master local[N]"
        case .unsupported(let what):
            return "\(what) is not supported in cluster mode yet (it cannot be rebuilt in another process); "
                + "run it with --master local[N]"
        case .corrupt(let s): return "cannot rebuild the task binary: \(s)"
        case .destroyedBroadcast(let operation, let callSite, let message):
            return "Task not serializable: \(operation) at \(callSite) uses a destroyed broadcast: \(message)"
        }
    }
}
