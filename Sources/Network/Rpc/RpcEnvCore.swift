import Logging
import Synchronization
import Threads

/// What an `RpcEnv` is made of, shared with its loop-side objects (listeners, connections, the ask timer) — which
/// hold this rather than the public `RpcEnv`, so the `RpcEnv` can shut everything down from its `deinit`.
///
/// Invariants: `peers` holds exactly the open peers (a peer is registered when its connection is established and
/// forgotten when it closes); `cached` only holds peers that are in `peers`; nothing is registered after shutdown
/// (the loop refuses new handles once it is stopping).
final class RpcEnvCore: Sendable {
    let name: String
    let maxFrameSize: Int
    let loop: EventLoop
    let logger: Logger

    /// How often pending asks are checked for timeouts.
    static let sweepIntervalMilliseconds: UInt64 = 50

    private struct State {
        var isShutdown = false
        var nextPeerId = 1
        var peers: [Int: RpcPeer] = [:]
        var cached: [NetworkAddress: RpcPeer] = [:]
        var connectGates: [NetworkAddress: ConnectGate] = [:]
    }

    private let state = Mutex(State())
    private let handlerSlot: Mutex<(any RpcHandler)?>

    init(name: String, handler: any RpcHandler, maxFrameSize: Int, logger: Logger) throws(NetworkError) {
        precondition(
            maxFrameSize > RpcMessage.headerSize && maxFrameSize <= Int(UInt32.max),
            "maxFrameSize must be in \(RpcMessage.headerSize + 1)...\(UInt32.max), got \(maxFrameSize)")
        self.name = name
        self.maxFrameSize = maxFrameSize
        self.logger = logger
        handlerSlot = Mutex(handler)
        loop = try EventLoop(name: name)
        loop.execute { [self] in
            _ = RepeatingTimer.start(on: loop, intervalMilliseconds: Self.sweepIntervalMilliseconds) { [self] in
                sweep()
            }
        }
    }

    /// The handler; nil once the env has shut down.
    var handler: (any RpcHandler)? { handlerSlot.withLock { $0 } }

    var isShutdown: Bool { state.withLock { $0.isShutdown } }

    // MARK: - Public operations (see RpcEnv)

    func listen(host: String, port: Int) throws(NetworkError) -> NetworkAddress {
        let requested = NetworkAddress(host: host, port: port)
        guard !isShutdown else { throw .closed }
        let socket: SocketAddress
        switch SocketAddress.resolve(host: host, port: port, passive: true) {
        case .success(let s): socket = s
        case .failure(let failure): throw .bindFailed(address: requested.description, reason: failure.reason)
        }
        let address = host.isEmpty ? NetworkAddress(host: socket.ip, port: port) : requested
        let promise = Latch<Result<NetworkAddress, NetworkError>>()
        let work: @Sendable () -> Void = { [self] in
            promise.fulfill(Listener.start(env: self, address: address, socket: socket))
        }
        if loop.isOnLoopThread {
            work()
        } else if !loop.tryExecute(work) {
            throw .closed
        }
        let bound = try promise.wait().get()
        logger.info("RpcEnv \"\(name)\" listening on \(bound)")
        return bound
    }

    func connect(to address: NetworkAddress, timeout: Double) throws(NetworkError) -> RpcPeer {
        precondition(
            !loop.isOnLoopThread, "RpcEnv.connect blocks and must not run on the event loop's thread")
        guard !isShutdown else { throw .closed }
        let socket: SocketAddress
        switch SocketAddress.resolve(host: address.host, port: address.port, passive: false) {
        case .success(let s): socket = s
        case .failure(let failure): throw .connectFailed(address: address.description, reason: failure.reason)
        }
        let attempt = ConnectAttempt(env: self, address: address, socket: socket)
        guard loop.tryExecute({ attempt.start() }) else { throw .closed }
        if let result = attempt.promise.wait(timeout: timeout) { return try result.get() }
        if let result = attempt.promise.abandon() { return try result.get() }
        loop.tryExecute { attempt.cancel() }
        throw .connectFailed(address: address.description, reason: "no connection within \(timeout) s")
    }

    func peer(for address: NetworkAddress, timeout: Double) throws(NetworkError) -> RpcPeer {
        if let peer = cachedPeer(for: address) { return peer }
        let gate = state.withLock { s in
            if let gate = s.connectGates[address] { return gate }
            let gate = ConnectGate()
            s.connectGates[address] = gate
            return gate
        }
        guard gate.enter(timeout: timeout) else {
            throw .connectFailed(
                address: address.description, reason: "another connect to it is still under way after \(timeout) s")
        }
        defer { gate.leave() }
        if let peer = cachedPeer(for: address) { return peer }
        let peer = try connect(to: address, timeout: timeout)
        state.withLock { s in
            if peer.isOpen && s.peers[peer.id] != nil { s.cached[address] = peer }
        }
        return peer
    }

    func shutdown() {
        state.withLock { $0.isShutdown = true }
        loop.shutdown()
        guard !loop.isOnLoopThread else { return }  // the loop still has handles to close and tell the handler about
        handlerSlot.withLock { $0 = nil }
        state.withLock { s in
            s.peers = [:]
            s.cached = [:]
        }
    }

    // MARK: - Bookkeeping (loop thread)

    func nextPeerId() -> Int {
        state.withLock { s in
            defer { s.nextPeerId += 1 }
            return s.nextPeerId
        }
    }

    func register(_ peer: RpcPeer) {
        state.withLock { $0.peers[peer.id] = peer }
    }

    func forget(_ peer: RpcPeer) {
        state.withLock { s in
            s.peers[peer.id] = nil
            for (address, cached) in s.cached where cached === peer {
                s.cached[address] = nil
            }
        }
    }

    private func cachedPeer(for address: NetworkAddress) -> RpcPeer? {
        guard let peer = state.withLock({ $0.cached[address] }), peer.isOpen else { return nil }
        return peer
    }

    private func sweep() {
        let peers = state.withLock { Array($0.peers.values) }
        let now = Monotonic.nanoseconds()
        for peer in peers { peer.expireAsks(now: now) }
    }
}

/// Lets one thread at a time connect to an address in `RpcEnv.peer(for:timeout:)`, so concurrent callers share one
/// cached connection instead of racing to open several.
private final class ConnectGate: Sendable {
    private let busy = ConditionLock(false)

    /// Waits at most `timeout` seconds to get in; whether it got in.
    func enter(timeout: Double) -> Bool {
        busy.wait(timeout: timeout) { busy -> Bool? in
            guard !busy else { return nil }
            busy = true
            return true
        } != nil
    }

    func leave() {
        busy.withLockNotifyingAll { $0 = false }
    }
}
