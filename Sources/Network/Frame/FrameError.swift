/// Why a byte stream is not a well-formed sequence of frames. The connection it came from is closed.
public enum FrameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A frame's length field says `size` bytes follow, more than the receiver's `limit` (its `maxFrameSize`).
    case tooLarge(size: Int, limit: Int)
    /// A frame's version byte is not 1: the peer speaks another protocol or another version of this one.
    case badVersion(UInt8)
    /// A frame's length field is 0, so it lacks even the version byte.
    case empty

    /// One line saying what was wrong with the frame.
    public var description: String {
        switch self {
        case .tooLarge(let size, let limit):
            "frame length \(size) exceeds the limit of \(limit) bytes "
                + "(garbage on the connection, or a message larger than the receiver's maxFrameSize)"
        case .badVersion(let version):
            "frame version byte is \(version), expected \(FrameEncoder.version) "
                + "(the peer does not speak this protocol or version)"
        case .empty:
            "frame length is 0: a frame holds at least its version byte"
        }
    }
}
