import CLibUV
import Logging

/// The libuv side of one TCP connection: reads and cuts frames, writes queued frames, closes. Its `RpcPeer` is the
/// thread-safe face the rest of the engine holds; the peer does the RPC bookkeeping, this class the socket.
///
/// Ownership: as every `LoopHandle` (a retained pointer to `self` in the uv_tcp_t's `data`, released in the close
/// callback); writes and the graceful shutdown carry their own retained requests (see `WriteRequest`). The
/// connection and its peer reference each other while the connection is open; the close callback breaks the cycle.
///
/// Loop-confined. Phases only move forward: connecting → open → (shuttingDown →) closed. The peer is told it closed
/// exactly once, when the connection leaves `open`.
final class Connection: LoopHandle, @unchecked Sendable {  // @unchecked: loop-confined, as LoopHandle.
    /// The close reason when the other side ended the connection (end of stream).
    static let peerClosedReason = "the peer closed the connection"

    enum Phase {
        /// uv_tcp_connect is under way (outgoing connections only).
        case connecting
        /// Reading and writing.
        case open
        /// Closed for the RPC layer; writing what was queued before the close, then closing the socket.
        case shuttingDown
        /// uv_close was called.
        case closed
    }

    let env: RpcEnvCore
    private(set) var phase: Phase
    private(set) var peer: RpcPeer?
    private var decoder: FrameDecoder

    init(env: RpcEnvCore, phase: Phase) {
        self.env = env
        self.phase = phase
        decoder = FrameDecoder(maxFrameSize: env.maxFrameSize, headSize: RpcMessage.headerSize)
        super.init(loop: env.loop, byteCount: MemoryLayout<uv_tcp_t>.size)
    }

    var tcp: UnsafeMutablePointer<uv_tcp_t> { handle(as: uv_tcp_t.self) }
    var stream: UnsafeMutablePointer<uv_stream_t> { handle(as: uv_stream_t.self) }

    /// The socket is connected: turns on TCP_NODELAY, creates the peer, registers it and starts reading.
    func establish() -> RpcPeer {
        precondition(phase == .connecting, "a connection is established once")
        uv_tcp_nodelay(tcp, 1)
        let remote = SocketAddress.describe(tcp, uv_tcp_getpeername)?.description ?? "unknown"
        let peer = RpcPeer(id: env.nextPeerId(), remoteAddress: remote, env: env, connection: self)
        self.peer = peer
        phase = .open
        env.register(peer)
        let rc = uv_read_start(stream, { handle, _, buffer in
            let connection = LoopHandle.owner(of: handle, as: Connection.self)
            buffer!.pointee = uv_buf_init(
                connection.loop.readBuffer.baseAddress!.assumingMemoryBound(to: CChar.self),
                UInt32(EventLoop.readBufferSize))
        }, { stream, count, buffer in
            let connection = LoopHandle.owner(of: stream, as: Connection.self)
            if count > 0 {
                connection.received(UnsafeRawBufferPointer(start: buffer!.pointee.base, count: count))
            } else if count == Int(UV_EOF.rawValue) {
                connection.close(reason: Connection.peerClosedReason, error: nil, graceful: false)
            } else if count < 0 {
                connection.close(reason: "read failed: \(uvErrorText(Int32(count)))", error: nil, graceful: false)
            }
        })
        if rc != 0 {
            close(reason: "cannot start reading: \(uvErrorText(rc))", error: nil, graceful: false)
        }
        return peer
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        var frames: [DecodedFrame] = []
        var failure: FrameError?
        do { try decoder.decode(bytes, into: &frames) } catch { failure = error }
        for frame in frames {
            guard phase == .open, let peer else { return }
            peer.received(frame)
        }
        if let failure {
            close(reason: "malformed frame: \(failure)", error: nil, graceful: false)
        }
    }

    /// Writes what the peer queued. Called through `EventLoop.execute` after the peer scheduled a flush.
    func flush() {
        guard let peer else { return }
        let frames = peer.takeOutbox()
        guard phase == .open, !frames.isEmpty else { return }
        write(frames)
    }

    private func write(_ frames: [OutgoingFrame]) {
        guard !frames.isEmpty else { return }
        let rc = WriteRequest(connection: self, frames: frames).start(on: stream)
        if rc != 0 {
            // Not at once: a handler answering from `receive` may be on the stack, and must not hear of the close
            // from inside its own call.
            loop.tryExecute { [self] in
                close(reason: "write failed: \(uvErrorText(rc))", error: nil, graceful: false)
            }
        }
    }

    func writeCompleted(status: Int32) {
        if status < 0 && status != UV_ECANCELED.rawValue {
            close(reason: "write failed: \(uvErrorText(status))", error: nil, graceful: false)
        }
    }

    /// Closes the connection; the peer learns of it (pending asks fail with `error`, or `.connectionLost` with
    /// `reason` if nil) and the handler's `peerDisconnected` runs. `graceful` first writes what was queued and
    /// half-closes; otherwise the socket closes at once. Idempotent; a forced close may follow a graceful one.
    func close(reason: String, error: NetworkError?, graceful: Bool) {
        switch phase {
        case .closed:
            return
        case .connecting:
            phase = .closed
            closeHandle()  // the connect callback fails the attempt
            return
        case .shuttingDown:
            if !graceful {
                phase = .closed
                closeHandle()
            }
            return
        case .open:
            break
        }
        let peer = self.peer!
        let leftovers = peer.markClosed(error: error ?? .connectionLost(peer: peer.remoteAddress, reason: reason))
        if graceful {
            phase = .shuttingDown
            uv_read_stop(stream)
            write(leftovers.outbox)
            if phase == .shuttingDown && ShutdownRequest(connection: self).start(on: stream) != 0 {
                phase = .closed
                closeHandle()
            }
        } else {
            phase = .closed
            closeHandle()
        }
        peer.connectionClosed(
            reason: reason, pending: leftovers.pending, error: leftovers.error, byShutdown: error == .closed)
    }

    override func closeForLoopShutdown() {
        close(reason: "the RpcEnv \"\(env.name)\" shut down", error: .closed, graceful: false)
    }

    override func didClose() {
        phase = .closed
        peer = nil  // breaks the connection ↔ peer cycle
    }
}
