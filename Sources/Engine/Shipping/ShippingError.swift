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

    /// The message a failed job reports, one line naming the operation, its call site and the form
    /// that works: `Task not serializable: map at Job.swift:12 captures context; pass what the
    /// closure uses explicitly: map(with: value) { value, … in … } …`.
    public var description: String {
        switch self {
        case .notSerializable(let operation, let callSite, let reason):
            let hint = reason == "captures context"
                ? "pass what the closure uses explicitly: \(operation)(with: value) { value, … in … } (any Codable & Sendable "
                    + "value, a tuple of 2 to 6 of them, a Broadcast or an accumulator), or a value of a named Codable "
                    + "function type; the closure itself must capture nothing"
                : "executors in other processes run only closures that capture nothing (with what they need passed "
                    + "with: value), values of a named Codable function type, and Codable parameters"
            return "Task not serializable: \(operation) at \(callSite) \(reason); \(hint); or run with --master local[N]"
        case .unsupported(let what):
            return "\(what) is not supported in cluster mode yet (it cannot be rebuilt in another process); "
                + "run it with --master local[N]"
        case .corrupt(let s): return "cannot rebuild the task binary: \(s)"
        case .destroyedBroadcast(let operation, let callSite, let message):
            return "Task not serializable: \(operation) at \(callSite) uses a destroyed broadcast: \(message)"
        }
    }
}
