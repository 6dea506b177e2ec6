import Logging
import Synchronization
import Threads

/// One TCP connection to another process, usable in both directions: the side that connected and the side that
/// accepted can both `send` and `ask`. Thread-safe.
///
/// Sends and asks from any thread put an encoded frame in the peer's outbox and have the loop write it (one
/// `uv_write` per batch), so messages on one peer go out in the order they were sent.
///
/// Invariants: the outbox and the table of pending asks change only under the peer's lock; once the peer is closed
/// nothing more is queued or registered, and every ask registered before that completes exactly once — with its
/// answer, with `.timeout`, or with the error the connection closed with (`.connectionLost`, or `.closed` when the
/// env shut down).
public final class RpcPeer: Sendable, Hashable, CustomStringConvertible {
    /// Unique among the peers of one env.
    public let id: Int
    /// "ip:port" of the other end.
    public let remoteAddress: String

    let env: RpcEnvCore
    /// The socket side; loop-confined, so only used inside `env.loop.execute`.
    let connection: Connection

    private struct State {
        var isOpen = true
        var closedError: NetworkError?
        /// `close(reason:)` was called here: the close is expected, logged at info level.
        var closedHere = false
        var pending: [UInt64: PendingAsk] = [:]
        var outbox: [OutgoingFrame] = []
        var flushScheduled = false
    }

    private let state = Mutex(State())
    private let nextRequestId = Atomic<UInt64>(1)

    init(id: Int, remoteAddress: String, env: RpcEnvCore, connection: Connection) {
        self.id = id
        self.remoteAddress = remoteAddress
        self.env = env
        self.connection = connection
    }

    /// Whether the connection is still open (not closed by either side, nor by a shutdown).
    public var isOpen: Bool { state.withLock { $0.isOpen } }

    /// "peer 3 (127.0.0.1:7077)".
    public var description: String { "peer \(id) (\(remoteAddress))" }

    /// Sends a one-way message; does nothing once the peer is closed. A payload over the frame limit is not sent
    /// (the receiver would drop the connection): the error is logged.
    public func send(type: UInt16, payload: [UInt8]) {
        let size = RpcMessage.frameLength(bodyCount: payload.count)
        guard size <= env.maxFrameSize else {
            let error = NetworkError.frameTooLarge(size: size, limit: env.maxFrameSize)
            env.logger.error("Message of type \(type) to \(remoteAddress) not sent: \(error)")
            return
        }
        sendMessage(kind: .oneWay, requestId: 0, type: type, body: payload)
    }

    /// Sends a request and waits at most `timeout` seconds for the answer. Blocks the calling thread, so it must not
    /// be called on the env's loop thread (a handler uses the completion-handler variant).
    public func ask(type: UInt16, payload: [UInt8], timeout: Double) throws(NetworkError) -> [UInt8] {
        precondition(
            !env.loop.isOnLoopThread,
            "RpcPeer.ask(type:payload:timeout:) blocks and must not run on the event loop's thread; "
                + "use ask(type:payload:timeout:completion:) in handlers")
        let promise = Latch<Result<[UInt8], NetworkError>>()
        guard let id = startAsk(type: type, payload: payload, timeout: timeout, completion: .waiter(promise)) else {
            return try promise.wait().get()
        }
        if let result = promise.wait(timeout: timeout) { return try result.get() }
        // Our own deadline passed: fail the ask here unless the loop is completing it right now.
        if let ask = state.withLock({ $0.pending.removeValue(forKey: id) }) {
            throw .timeout(peer: remoteAddress, messageType: type, seconds: ask.timeout)
        }
        return try promise.wait().get()
    }

    /// Sends a request; `completion` gets the answer or the error (`.timeout` after `timeout` seconds, enforced by
    /// the env's timer to within ~50 ms). `completion` runs exactly once, on the loop thread — or on the calling
    /// thread if the env has already shut down.
    public func ask(
        type: UInt16, payload: [UInt8], timeout: Double,
        completion: @escaping @Sendable (Result<[UInt8], NetworkError>) -> Void
    ) {
        startAsk(type: type, payload: payload, timeout: timeout, completion: .callback(completion))
    }

    /// Closes the connection: what was sent before is still written, then the socket closes. Pending asks fail
    /// with `.connectionLost` carrying `reason`, and the handler's `peerDisconnected` runs. Idempotent.
    public func close(reason: String) {
        let first = state.withLock { s in
            guard s.isOpen else { return false }
            s.isOpen = false
            s.closedError = .connectionLost(peer: remoteAddress, reason: reason)
            s.closedHere = true
            return true
        }
        guard first else { return }
        env.loop.tryExecute { [connection] in
            connection.close(reason: reason, error: nil, graceful: true)
        }
    }

    /// Peers are equal when they are the same connection.
    public static func == (a: RpcPeer, b: RpcPeer) -> Bool { a === b }

    /// Hashes the peer's identity.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }

    // MARK: - Any thread

    /// Queues a message, unless the peer is closed.
    func sendMessage(kind: RpcMessage.Kind, requestId: UInt64, type: UInt16, body: [UInt8]) {
        enqueue(OutgoingFrame(kind: kind, requestId: requestId, type: type, body: body), registering: nil)
    }

    /// Registers and sends a request; its id, or nil if it failed at once (the completion then got the error).
    @discardableResult
    private func startAsk(type: UInt16, payload: [UInt8], timeout: Double, completion: PendingAsk.Completion)
        -> UInt64?
    {
        let size = RpcMessage.frameLength(bodyCount: payload.count)
        guard size <= env.maxFrameSize else {
            deliverAtOnce(.failure(.frameTooLarge(size: size, limit: env.maxFrameSize)), to: completion)
            return nil
        }
        let id = nextRequestId.wrappingAdd(1, ordering: .relaxed).oldValue
        let frame = OutgoingFrame(kind: .request, requestId: id, type: type, body: payload)
        let deadline = Monotonic.deadline(afterSeconds: timeout)
        let ask = PendingAsk(type: type, timeout: timeout, deadline: deadline, completion: completion)
        if let error = enqueue(frame, registering: (id, ask)) {
            deliverAtOnce(.failure(error), to: completion)
            return nil
        }
        return id
    }

    /// Puts `frame` in the outbox (and `registering` in the pending table) and has the loop flush; the error the
    /// peer closed with if it is closed.
    @discardableResult
    private func enqueue(_ frame: OutgoingFrame, registering: (UInt64, PendingAsk)?) -> NetworkError? {
        let (schedule, refusal) = state.withLock { s -> (Bool, NetworkError?) in
            guard s.isOpen else { return (false, s.closedError ?? .closed) }
            if let (id, ask) = registering { s.pending[id] = ask }
            s.outbox.append(frame)
            guard !s.flushScheduled else { return (false, nil) }
            s.flushScheduled = true
            return (true, nil)
        }
        if schedule {
            if env.loop.isOnLoopThread {
                connection.flush()  // a handler answering: write now rather than on the next loop iteration
            } else {
                env.loop.tryExecute { [connection] in connection.flush() }
            }
        }
        return refusal
    }

    /// Delivers the outcome of an ask that never got registered: a waiter at once, a callback on the loop thread
    /// (on this thread if the loop has ended).
    private func deliverAtOnce(_ result: Result<[UInt8], NetworkError>, to completion: PendingAsk.Completion) {
        switch completion {
        case .waiter(let promise):
            promise.fulfill(result)
        case .callback(let callback):
            if !env.loop.tryExecute({ callback(result) }) { callback(result) }
        }
    }

    // MARK: - Loop thread

    /// The frames queued since the last flush; the next send schedules a flush again.
    func takeOutbox() -> [OutgoingFrame] {
        state.withLock { s in
            s.flushScheduled = false
            defer { s.outbox = [] }
            return s.outbox
        }
    }

    /// One frame from the connection: dispatches a message to the handler or completes an ask.
    func received(_ frame: DecodedFrame) {
        let header: RpcMessage.Header
        do {
            header = try RpcMessage.parseHeader(frame.head)
        } catch {
            connection.close(reason: "malformed message: \(error)", error: nil, graceful: false)
            return
        }
        switch header.kind {
        case .oneWay:
            env.handler?.receive(type: header.type, payload: frame.body, from: self, responder: nil)
        case .request:
            let responder = RpcResponder(peer: self, requestId: header.requestId, messageType: header.type)
            env.handler?.receive(type: header.type, payload: frame.body, from: self, responder: responder)
        case .replyOk, .replyError:
            guard let ask = state.withLock({ $0.pending.removeValue(forKey: header.requestId) }) else {
                return  // answered after it timed out, or never asked: ignored
            }
            if header.kind == .replyOk {
                ask.complete(.success(frame.body))
            } else {
                let message = String(decoding: frame.body, as: UTF8.self)
                ask.complete(.failure(.remoteError(peer: remoteAddress, message: message)))
            }
        }
    }

    /// Fails the asks whose deadline passed.
    func expireAsks(now: UInt64) {
        let expired = state.withLock { s -> [PendingAsk] in
            guard !s.pending.isEmpty else { return [] }
            var expired: [PendingAsk] = []
            for (id, ask) in s.pending where ask.deadline <= now {
                expired.append(ask)
                s.pending[id] = nil
            }
            return expired
        }
        for ask in expired {
            ask.complete(.failure(.timeout(peer: remoteAddress, messageType: ask.type, seconds: ask.timeout)))
        }
    }

    /// The connection is closing: marks the peer closed (keeping the first close error) and hands back what was
    /// queued and pending.
    func markClosed(error: NetworkError) -> (outbox: [OutgoingFrame], pending: [PendingAsk], error: NetworkError) {
        state.withLock { s in
            s.isOpen = false
            if s.closedError == nil { s.closedError = error }
            defer {
                s.outbox = []
                s.pending = [:]
            }
            return (s.outbox, Array(s.pending.values), s.closedError!)
        }
    }

    /// The connection closed: fails the pending asks, forgets the peer, logs, and tells the handler.
    func connectionClosed(reason: String, pending: [PendingAsk], error: NetworkError, byShutdown: Bool) {
        for ask in pending.sorted(by: { $0.deadline < $1.deadline }) {
            ask.complete(.failure(error))
        }
        env.forget(self)
        // Expected, so info: a shutdown, a close asked for here, or the peer ending the
        // connection with nothing pending on it. A close that failed requests, or an error, warns.
        let quiet = byShutdown || state.withLock({ $0.closedHere }) || (pending.isEmpty && reason == Connection.peerClosedReason)
        if quiet {
            env.logger.info("Connection \(id) to \(remoteAddress) closed: \(reason)")
        } else {
            env.logger.warning("Connection \(id) to \(remoteAddress) closed: \(reason)")
        }
        env.handler?.peerDisconnected(self, reason: reason)
    }
}
