import Scheduler
import Storage

/// Why a ``ClusterMessage`` could not be encoded or decoded. Decoding never traps: damaged,
/// truncated or foreign bytes end in one of these.
public enum ClusterMessageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The bytes end inside the message, or a field does not decode (`detail` says which).
    case malformed(message: String, detail: String)
    /// The message was written by a build speaking another version of the wire format.
    case unsupportedVersion(found: UInt8, expected: UInt8)
    /// The message type number is not one this build knows.
    case unknownMessageType(UInt16)
    /// The message decoded but bytes are left after it.
    case trailingBytes(message: String, count: Int)
    /// A task's result is not bytes: only `[UInt8]` results cross to the driver.
    case resultNotSerializable(taskId: Int64, type: String)

    /// The fault in words, with what to do where the usual cause is known: driver and executors
    /// from different builds, or a task result that is not bytes.
    public var description: String {
        switch self {
        case .malformed(let message, let detail):
            return "cannot decode cluster message \(message): \(detail); the connection carries damaged or foreign data"
        case .unsupportedVersion(let found, let expected):
            return "cluster message of wire version \(found), this build speaks version \(expected): start the driver "
                + "and the executors from the same binary"
        case .unknownMessageType(let type):
            return "unknown cluster message type \(type): start the driver and the executors from the same binary"
        case .trailingBytes(let message, let count):
            return "cluster message \(message) is followed by \(count) unexpected bytes; the connection carries "
                + "damaged or foreign data"
        case .resultNotSerializable(let taskId, let type):
            return "the result of task \(taskId) (a value of type \(type)) is not serializable: only [UInt8] results "
                + "cross from an executor to the driver; encode the result as bytes in the task"
        }
    }
}

extension ClusterMessageError {
    /// The error of a message `message` whose bytes the codec refused: a version mismatch as
    /// such, anything else as malformed with the codec's words.
    init(decoding message: String, _ error: StorageError) {
        switch error {
        case .unsupportedVersion(_, let found, let expected): self = .unsupportedVersion(found: found, expected: expected)
        case .corrupt(let what): self = .malformed(message: message, detail: what)
        default: self = .malformed(message: message, detail: "\(error)")
        }
    }
}
