import Logging

/// The network endpoint of one process (or of one test): an `EventLoop`, optionally listening servers, and the
/// connections made or accepted, each an `RpcPeer` that delivers its messages to `handler`.
///
/// Call `shutdown()` when done: it closes every connection (their pending asks fail with `.closed`) and ends the
/// loop thread. Dropping the env shuts it down too — unless the handler holds the env, which keeps it alive.
public final class RpcEnv: Sendable {
    let core: RpcEnvCore

    /// Starts an env named `name` (its loop thread carries the name) whose peers deliver to `handler`. Frames whose
    /// length field exceeds `maxFrameSize` are refused in both directions. Closed connections are logged to
    /// `logger` at warning level, with the reason.
    public init(
        name: String, handler: any RpcHandler, maxFrameSize: Int = 64 << 20,
        logger: Logger = Logger(label: "engine.network")
    ) throws(NetworkError) {
        core = try RpcEnvCore(name: name, handler: handler, maxFrameSize: maxFrameSize, logger: logger)
    }

    deinit {
        core.shutdown()
    }

    /// The env's name.
    public var name: String { core.name }

    /// The largest frame length field accepted or sent.
    public var maxFrameSize: Int { core.maxFrameSize }

    /// The loop that runs the env's sockets and calls its handler.
    public var loop: EventLoop { core.loop }

    /// Listens on `host`:`port` ("" or "0.0.0.0" for every interface; port 0 picks a free port) and returns the
    /// address bound, with the actual port. Throws `.bindFailed` naming the address if it is taken or invalid.
    public func listen(host: String, port: Int) throws(NetworkError) -> NetworkAddress {
        try core.listen(host: host, port: port)
    }

    /// Opens a new connection to `address`, waiting at most `timeout` seconds. Blocks: not on the loop thread.
    /// Throws `.connectFailed` if nobody listens there, the host is unknown, or it takes too long.
    public func connect(to address: NetworkAddress, timeout: Double) throws(NetworkError) -> RpcPeer {
        try core.connect(to: address, timeout: timeout)
    }

    /// The cached connection to `address`, opened (or reopened, if the last one closed) as needed; concurrent
    /// callers share one connection. Blocks: not on the loop thread.
    public func peer(for address: NetworkAddress, timeout: Double) throws(NetworkError) -> RpcPeer {
        try core.peer(for: address, timeout: timeout)
    }

    /// Closes every connection and listener and ends the loop thread. Pending asks fail with `.closed`, the
    /// handler's `peerDisconnected` runs for each peer, and later calls fail with `.closed`. Idempotent.
    public func shutdown() {
        core.shutdown()
    }
}
