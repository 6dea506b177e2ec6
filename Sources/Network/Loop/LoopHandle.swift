import CLibUV

/// Base class of every Swift object that owns a libuv handle (a TCP socket, a listener, a timer) on an `EventLoop`.
///
/// Ownership: `init` allocates the handle's memory. Once the subclass's `uv_*_init` succeeded, `adopt()` stores a
/// retained `Unmanaged` pointer to `self` in the handle's `data`, so the handle keeps its owner alive; `closeHandle()`
/// calls `uv_close`, whose callback releases that reference, calls `didClose()` and frees the memory. If the init
/// failed, `discard()` frees the memory instead. No other path frees it.
///
/// Loop-confined: every method runs on the loop thread. The class is `@unchecked Sendable` only so that other
/// threads can hold a reference and hand the object back to the loop in `EventLoop.execute`.
class LoopHandle: @unchecked Sendable {
    /// The loop the handle lives on.
    let loop: EventLoop
    /// The handle's memory (a uv_tcp_t, uv_timer_t, ...); valid until the close callback.
    let rawHandle: UnsafeMutableRawPointer
    /// Whether `uv_close` was called (or the handle was never adopted and is discarded).
    private(set) var isClosing = false
    /// Whether the close callback ran and the memory is gone.
    private(set) var isClosed = false
    private var isAdopted = false

    /// Allocates `byteCount` zeroed bytes for a handle on `loop`.
    init(loop: EventLoop, byteCount: Int) {
        self.loop = loop
        rawHandle = .allocate(byteCount: byteCount, alignment: 16)
        rawHandle.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    /// The handle as a uv_handle_t.
    var handle: UnsafeMutablePointer<uv_handle_t> { rawHandle.assumingMemoryBound(to: uv_handle_t.self) }

    /// The handle as a `T` (uv_tcp_t, uv_stream_t, uv_timer_t), for passing to libuv.
    func handle<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        UnsafeMutablePointer(OpaquePointer(rawHandle))
    }

    /// After a successful `uv_*_init`: the handle now holds a strong reference to `self` until it is closed.
    func adopt() {
        precondition(!isAdopted && !isClosing, "a LoopHandle is adopted once, right after its uv_*_init")
        isAdopted = true
        uv_handle_set_data(handle, Unmanaged.passRetained(self).toOpaque())
    }

    /// After a failed `uv_*_init`: frees the memory (libuv never saw the handle).
    func discard() {
        precondition(!isAdopted, "an adopted handle is freed by closeHandle(), not discard()")
        isClosing = true
        isClosed = true
        rawHandle.deallocate()
    }

    /// Closes the handle (once); `didClose()` runs in the close callback, then the memory is freed.
    func closeHandle() {
        guard isAdopted, !isClosing else { return }
        isClosing = true
        uv_close(handle) { handle in
            let owner = Unmanaged<LoopHandle>.fromOpaque(uv_handle_get_data(handle!)!).takeRetainedValue()
            uv_handle_set_data(handle, nil)
            owner.isClosed = true
            owner.didClose()
            owner.rawHandle.deallocate()
        }
    }

    /// Runs in the close callback, before the memory is freed. Subclasses release what they hold.
    func didClose() {}

    /// The loop is shutting down and closes every handle: by default just `closeHandle()`. Subclasses that must
    /// tell someone (a connection fails its pending asks) override this.
    func closeForLoopShutdown() {
        closeHandle()
    }

    /// The owner of an adopted handle, from its `data`; nil for handles no LoopHandle owns.
    static func owner(of handle: UnsafeMutablePointer<uv_handle_t>) -> LoopHandle? {
        guard let data = uv_handle_get_data(handle) else { return nil }
        return Unmanaged<LoopHandle>.fromOpaque(data).takeUnretainedValue()
    }

    /// The owner of a handle passed to a libuv callback, as the subclass that created it.
    static func owner<Owner: LoopHandle, T>(of pointer: UnsafeMutablePointer<T>?, as: Owner.Type) -> Owner {
        unsafeDowncast(owner(of: asHandle(pointer!))!, to: Owner.self)
    }
}
