import CLibUV

/// One uv_write of queued frames. Ownership: a retained `Unmanaged` pointer to this object sits in the request's
/// `data` from `uv_write` until the write callback takes it back; the frames (and so their bytes), the uv_buf_t
/// array and the request's memory live exactly that long.
final class WriteRequest {
    let connection: Connection
    let frames: [OutgoingFrame]
    let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
    let buffers: UnsafeMutablePointer<uv_buf_t>

    init(connection: Connection, frames: [OutgoingFrame]) {
        self.connection = connection
        self.frames = frames
        buffers = .allocate(capacity: frames.count)
        for (i, frame) in frames.enumerated() {
            buffers[i] = uv_buf_init(
                frame.bytes.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(frame.bytes.count))
        }
    }

    deinit {
        buffers.deallocate()
        request.deallocate()
    }

    /// Starts the write; on failure returns libuv's status and nothing stays retained.
    func start(on stream: UnsafeMutablePointer<uv_stream_t>) -> Int32 {
        let me = Unmanaged.passRetained(self)
        uv_req_set_data(asRequest(request), me.toOpaque())
        let rc = uv_write(request, stream, buffers, UInt32(frames.count)) { request, status in
            let write = Unmanaged<WriteRequest>.fromOpaque(uv_req_get_data(asRequest(request!))!).takeRetainedValue()
            write.connection.writeCompleted(status: status)
        }
        if rc != 0 { me.release() }
        return rc
    }
}

/// One uv_shutdown (half-close after the queued writes), for a graceful close. Ownership as for `WriteRequest`.
final class ShutdownRequest {
    let connection: Connection
    let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)

    init(connection: Connection) {
        self.connection = connection
    }

    deinit {
        request.deallocate()
    }

    /// Starts the shutdown; on failure returns libuv's status and nothing stays retained.
    func start(on stream: UnsafeMutablePointer<uv_stream_t>) -> Int32 {
        let me = Unmanaged.passRetained(self)
        uv_req_set_data(asRequest(request), me.toOpaque())
        let rc = uv_shutdown(request, stream) { request, _ in
            let shutdown = Unmanaged<ShutdownRequest>.fromOpaque(uv_req_get_data(asRequest(request!))!)
                .takeRetainedValue()
            shutdown.connection.closeHandle()
        }
        if rc != 0 { me.release() }
        return rc
    }
}

/// `pointer` (a uv_write_t, uv_connect_t, ...) as the uv_req_t it begins with.
func asRequest<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_req_t> {
    UnsafeMutablePointer(OpaquePointer(pointer))
}
