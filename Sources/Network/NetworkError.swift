/// What went wrong in the network layer. Each message names the address or peer involved and says what to check.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Could not listen on `address` ("host:port"). Also used when an event loop's own setup fails, with the loop's
    /// name as the address.
    case bindFailed(address: String, reason: String)
    /// Could not open a connection to `address`: refused, unreachable, unresolvable, or no answer in time.
    case connectFailed(address: String, reason: String)
    /// The connection to `peer` ("ip:port") closed or failed before the answer came.
    case connectionLost(peer: String, reason: String)
    /// `peer` did not answer a message of type `messageType` within `seconds`.
    case timeout(peer: String, messageType: UInt16, seconds: Double)
    /// The peer's handler answered with an error (`RpcResponder.fail`), or dropped the request without answering.
    case remoteError(peer: String, message: String)
    /// A message of `size` frame bytes is over the frame limit `limit` (the env's `maxFrameSize`).
    case frameTooLarge(size: Int, limit: Int)
    /// The env (or its event loop) was shut down.
    case closed
    /// An address string could not be parsed; the text says which string and why.
    case invalidAddress(String)

    /// One line saying what failed, where, and what to do about it.
    public var description: String {
        switch self {
        case .bindFailed(let address, let reason):
            "cannot listen on \(address): \(reason) (is another process using the port? choose another, or port 0)"
        case .connectFailed(let address, let reason):
            "cannot connect to \(address): \(reason) (is the peer running and listening there?)"
        case .connectionLost(let peer, let reason):
            "connection to \(peer) lost: \(reason)"
        case .timeout(let peer, let messageType, let seconds):
            "no answer from \(peer) to a message of type \(messageType) within \(seconds) s"
        case .remoteError(let peer, let message):
            "\(peer) answered with an error: \(message)"
        case .frameTooLarge(let size, let limit):
            "a frame of \(size) bytes exceeds the limit of \(limit) bytes (send smaller messages or raise maxFrameSize)"
        case .closed:
            "the network environment was shut down"
        case .invalidAddress(let message):
            "invalid network address: \(message)"
        }
    }
}
