/// Errors a job sees. Each message names what failed, on which input, and what to do.
///
/// Every throwing API of the engine throws it (typed throws), so `catch` gets an `EngineError`.
/// Tasks may throw anything; what a failed task threw reaches the driver as the text of
/// ``jobFailed(_:)``.
public enum EngineError: Error, CustomStringConvertible, Sendable {
    /// A master URL that is not `local`, `local[N]`, `local[*]`, `local-cluster[E,C,M]` or `engine://HOST:PORT`.
    case badMasterURL(String)
    /// A configuration value that does not parse for its key.
    case badConf(key: String, value: String, expected: String)
    /// An input path that does not exist or cannot be read.
    case inputNotFound(String)
    /// An output directory that already exists.
    case outputExists(String)
    /// An I/O failure on a path.
    case io(path: String, reason: String)
    /// The job failed: `Job aborted due to stage failure: …` with the error of the task that failed too often.
    case jobFailed(String)
    /// The job was cancelled.
    case jobCancelled(String)
    /// An invalid argument to an API call (for example a negative partition count).
    case invalidArgument(String)
    /// The context was stopped.
    case contextStopped
    /// A custom partitioner (`partitioner`, its type name) put a key (`key`, as text) in
    /// `partition`, outside `0..<numPartitions`. Fails the map task, and the job after retries.
    case partitionOutOfRange(partitioner: String, key: String, partition: Int, numPartitions: Int)

    /// The one-line message: what failed, on which input, and what to do.
    public var description: String {
        switch self {
        case .badMasterURL(let url):
            return "invalid master URL '\(url)': expected local, local[N] (N ≥ 1), local[*], "
                + "local-cluster[E,C,M] (E executors of C cores and M MB) or engine://HOST:PORT"
        case .badConf(let key, let value, let expected):
            return "invalid value '\(value)' for \(key): expected \(expected)"
        case .inputNotFound(let path):
            return "input path does not exist or is not readable: \(path)"
        case .outputExists(let path):
            return "output directory \(path) already exists: remove it or choose another path"
        case .io(let path, let reason):
            let hint = reason.contains("No space left") ? "; free space on that file system or write elsewhere" : ""
            return "I/O error on \(path): \(reason)\(hint)"
        case .jobFailed(let reason):
            return reason
        case .jobCancelled(let reason):
            return reason
        case .invalidArgument(let what):
            return "invalid argument: \(what)"
        case .contextStopped:
            return "the EngineContext has been stopped; create a new one"
        case .partitionOutOfRange(let partitioner, let key, let partition, let n):
            return "partitioner \(partitioner) returned partition \(partition) for key \(key), outside 0..<\(n): "
                + "its partition(for:) must return a value from 0 through numPartitions - 1 (\(n - 1)) for every key; "
                + "fix it (for example, map a hash to a non-negative remainder of numPartitions)"
        }
    }
}
