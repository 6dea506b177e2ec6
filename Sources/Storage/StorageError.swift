/// Errors raised by the storage layer. Each message says what failed and on what.
public enum StorageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Bytes that do not decode: a truncated file, a checksum mismatch, a damaged record.
    case corrupt(String)
    /// A block that is not where it should be.
    case blockNotFound(String)
    /// A file-system operation that failed: `path`, what was attempted, and errno's text.
    case io(path: String, operation: String, reason: String)
    /// A value whose type cannot be serialized.
    case notSerializable(String)
    /// An executor memory budget too small to run one task: what was given and the minimum.
    case memoryTooSmall(given: Int64, minimum: Int64)
    /// A memory setting out of range: which one, its value, and the allowed range.
    case invalidConfiguration(String)
    /// A block lock that was not granted: which block, which task, and why.
    case lockFailed(String)
    /// A block no holder could give; the message says which and what each answered.
    case unavailable(String)
    /// A ``SerializedFrame`` written in another format version: what it holds, the version
    /// found and the one this build reads (driver and executors run different builds).
    case unsupportedVersion(what: String, found: UInt8, expected: UInt8)
    /// A ``SerializedFrame`` of another kind than the reader expects: the kind number found
    /// and what was expected.
    case unexpectedKind(found: UInt16, expected: String)
    /// Bytes that end before what they announce (a cut or damaged frame, or a length field
    /// larger than the data): what, the bytes it needs, the bytes there.
    case truncated(what: String, needed: UInt64, available: Int)

    /// The one-line message: what failed, on what, and (for memory and disk space) what to do.
    public var description: String {
        switch self {
        case .corrupt(let what): return "corrupt block: \(what)"
        case .blockNotFound(let id): return "block \(id) not found"
        case .io(let path, let op, let reason):
            let hint = reason.contains("No space left") ? "; free space there or set engine.local.dir to a disk with room" : ""
            return "cannot \(op) \(path): \(reason)\(hint)"
        case .notSerializable(let what): return "not serializable: \(what)"
        case .memoryTooSmall(let given, let minimum):
            return "executor memory \(ByteFormat.format(given)) is too small to run a task: at least "
                + "\(ByteFormat.format(minimum)) is needed (\(ByteFormat.format(minimum - given)) more); raise --executor-memory"
        case .invalidConfiguration(let what): return "invalid memory configuration: \(what)"
        case .lockFailed(let what): return "cannot lock block: \(what)"
        case .unavailable(let message): return message
        case .unsupportedVersion(let what, let found, let expected):
            return "\(what) in format version \(found), this build reads version \(expected): "
                + "run the driver and the executors from the same binary"
        case .unexpectedKind(let found, let expected):
            return "corrupt block: expected \(expected), found a frame of kind \(found)"
        case .truncated(let what, let needed, let available):
            return "corrupt block: \(what) needs \(needed) bytes but only \(available) are there"
        }
    }
}
