import CLibUV
import Threads

/// One outgoing connect, shared by the thread waiting in `RpcEnv.connect` and the loop doing it.
///
/// Ownership: a retained `Unmanaged` pointer to the attempt sits in the uv_connect_t's `data` from `uv_tcp_connect`
/// until the connect callback takes it back. The waiter and the loop settle the outcome through `promise`: a waiter
/// that gives up abandons it, and a connection that completes after that is closed again.
final class ConnectAttempt: @unchecked Sendable {  // @unchecked: `connection` is loop-confined; `promise` is locked.
    let env: RpcEnvCore
    let address: NetworkAddress
    let socket: SocketAddress
    let promise = Latch<Result<RpcPeer, NetworkError>>()
    private var connection: Connection?
    private let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)

    init(env: RpcEnvCore, address: NetworkAddress, socket: SocketAddress) {
        self.env = env
        self.address = address
        self.socket = socket
    }

    deinit {
        request.deallocate()
    }

    /// Starts connecting; on the loop thread.
    func start() {
        guard !env.loop.isStopping else { return fail(.closed) }
        let connection = Connection(env: env, phase: .connecting)
        var rc = uv_tcp_init(env.loop.uvLoop, connection.tcp)
        guard rc == 0 else {
            connection.discard()
            return fail(.connectFailed(address: address.description, reason: uvErrorText(rc)))
        }
        connection.adopt()
        self.connection = connection
        let me = Unmanaged.passRetained(self)
        uv_req_set_data(asRequest(request), me.toOpaque())
        rc = socket.withSockaddr { sockaddr in
            uv_tcp_connect(request, connection.tcp, sockaddr) { request, status in
                let attempt = Unmanaged<ConnectAttempt>.fromOpaque(uv_req_get_data(asRequest(request!))!)
                    .takeRetainedValue()
                attempt.finish(status: status)
            }
        }
        if rc != 0 {
            me.release()
            connection.close(reason: "connect failed", error: nil, graceful: false)
            fail(.connectFailed(address: address.description, reason: uvErrorText(rc)))
        }
    }

    /// The waiter gave up: stops connecting; on the loop thread.
    func cancel() {
        if let connection, connection.phase == .connecting {
            connection.close(reason: "connect timed out", error: nil, graceful: false)
        }
    }

    private func finish(status: Int32) {
        guard let connection else { return }
        guard status == 0, connection.phase == .connecting else {
            connection.close(reason: "connect failed", error: nil, graceful: false)
            if env.loop.isStopping {
                return fail(.closed)
            }
            let reason = status == 0 ? "cancelled" : uvErrorText(status)
            return fail(.connectFailed(address: address.description, reason: reason))
        }
        let peer = connection.establish()
        if !promise.fulfill(.success(peer)) {
            connection.close(reason: "the connect completed after the caller gave up", error: nil, graceful: false)
        }
    }

    private func fail(_ error: NetworkError) {
        promise.fulfill(.failure(error))
    }
}
