import CLibUV
import Logging

/// A listening TCP socket that turns each accepted socket into a `Connection` and its `RpcPeer`.
///
/// Ownership as for every `LoopHandle`; the listener lives until the loop shuts down. Loop-confined.
final class Listener: LoopHandle, @unchecked Sendable {  // @unchecked: loop-confined, as LoopHandle.
    let env: RpcEnvCore

    private init(env: RpcEnvCore) {
        self.env = env
        super.init(loop: env.loop, byteCount: MemoryLayout<uv_tcp_t>.size)
    }

    /// Binds and listens on `address` (what the caller asked for, for messages) at `socket`; the address actually
    /// bound (with the port chosen when 0 was asked for). Call on the loop thread.
    static func start(env: RpcEnvCore, address: NetworkAddress, socket: SocketAddress)
        -> Result<NetworkAddress, NetworkError>
    {
        guard !env.loop.isStopping else { return .failure(.closed) }
        let listener = Listener(env: env)
        let tcp = listener.handle(as: uv_tcp_t.self)
        var rc = uv_tcp_init(env.loop.uvLoop, tcp)
        guard rc == 0 else {
            listener.discard()
            return .failure(.bindFailed(address: address.description, reason: uvErrorText(rc)))
        }
        listener.adopt()
        rc = socket.withSockaddr { uv_tcp_bind(tcp, $0, 0) }
        if rc == 0 {
            rc = uv_listen(listener.handle(as: uv_stream_t.self), 511) { server, status in
                LoopHandle.owner(of: server, as: Listener.self).accept(status: status)
            }
        }
        guard rc == 0 else {
            listener.closeHandle()
            return .failure(.bindFailed(address: address.description, reason: uvErrorText(rc)))
        }
        let port = SocketAddress.describe(tcp, uv_tcp_getsockname)?.port ?? address.port
        return .success(NetworkAddress(host: address.host, port: port))
    }

    private func accept(status: Int32) {
        guard status == 0 else {
            env.logger.warning("Accepting a connection failed: \(uvErrorText(status))")
            return
        }
        guard !loop.isStopping else { return }
        let connection = Connection(env: env, phase: .connecting)
        let rc = uv_tcp_init(loop.uvLoop, connection.tcp)
        guard rc == 0 else {
            connection.discard()
            env.logger.warning("Accepting a connection failed: \(uvErrorText(rc))")
            return
        }
        connection.adopt()
        let accepted = uv_accept(handle(as: uv_stream_t.self), connection.stream)
        guard accepted == 0 else {
            connection.closeHandle()
            env.logger.warning("Accepting a connection failed: \(uvErrorText(accepted))")
            return
        }
        let peer = connection.establish()
        env.logger.debug("Accepted connection \(peer.id) from \(peer.remoteAddress)")
    }
}
