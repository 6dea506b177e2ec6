import CLibUV
import Synchronization
import Threads

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libuv loop running on its own OS thread.
///
/// Other threads hand the loop work with `execute`: the closure goes into a locked queue and a `uv_async_t` wakes
/// the loop, which runs queued closures in order. Everything that touches libuv handles runs this way, on the loop
/// thread; the loop thread never runs Swift concurrency tasks and is never one of the pool's threads.
///
/// Ownership: the wakeup handle's `data` is an unretained pointer to `self`; its owner is the loop thread, whose
/// closure holds `self` until the thread ends. Every other handle on the loop belongs to a `LoopHandle`, which keeps
/// itself alive through a retained pointer in the handle's `data` until the handle's close callback. The loop's
/// memory, the wakeup handle and the read buffer are freed by the loop thread as it ends.
///
/// Invariants: once `shutdown` starts, the loop closes every handle (each `LoopHandle` in its own way) and ends when
/// their close callbacks have run; work queued before the loop thread ends still runs, on the loop thread, and
/// `execute` after that runs nothing. `uv_async_send` is only called with the queue's lock held and before the
/// queue is marked closed, so it never touches a freed handle.
public final class EventLoop: Sendable {
    /// The loop's name; its thread carries it too (as much of it as fits in 15 bytes).
    public let name: String

    /// The libuv loop. Loop-confined: used only on the loop thread (and by `init` before the thread starts).
    nonisolated(unsafe) let uvLoop: UnsafeMutablePointer<uv_loop_t>
    /// Wakes the loop when work is queued; `uv_async_send` is thread-safe.
    nonisolated(unsafe) private let wakeup: UnsafeMutablePointer<uv_async_t>
    /// Where every connection on this loop reads into; a read is handled completely before the next one starts.
    nonisolated(unsafe) let readBuffer: UnsafeMutableRawBufferPointer
    /// Loop-confined: set on the loop thread when shutdown begins; handles are no longer created after that.
    nonisolated(unsafe) private(set) var isStopping = false

    /// Bytes each read may fill.
    static let readBufferSize = 256 << 10

    private struct WorkQueue {
        var work: [@Sendable () -> Void] = []
        var stopping = false
        var closed = false
    }

    private let queue = Mutex(WorkQueue())
    private let loopThreadKey = Atomic<UInt>(0)
    private let thread = Mutex<OSThread?>(nil)
    /// Fulfilled by the loop thread as it ends, for a `shutdown` that cannot join it (another `shutdown` did).
    private let exited = Latch<Void>()

    /// Starts a loop named `name` on a new thread. Throws `.bindFailed` naming the loop if libuv or the thread
    /// cannot be set up (out of file descriptors or threads).
    public init(name: String) throws(NetworkError) {
        _ = ignoreSIGPIPEOnce
        self.name = name
        uvLoop = .allocate(capacity: 1)
        wakeup = .allocate(capacity: 1)
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
        var rc = uv_loop_init(uvLoop)
        if rc == 0 {
            rc = uv_async_init(uvLoop, wakeup) { async in
                let loop = Unmanaged<EventLoop>.fromOpaque(uv_handle_get_data(asHandle(async!))!).takeUnretainedValue()
                loop.runQueuedWork()
            }
            if rc != 0 { uv_loop_close(uvLoop) }
        }
        guard rc == 0 else {
            freeMemory()
            throw .bindFailed(address: "event loop \"\(name)\"", reason: "libuv setup failed: \(uvErrorText(rc))")
        }
        uv_handle_set_data(asHandle(wakeup), Unmanaged.passUnretained(self).toOpaque())
        do {
            let t = try OSThread.start(name: name, { [self] in self.run() })
            thread.withLock { $0 = t }
        } catch {
            uv_close(asHandle(wakeup), nil)
            uv_run(uvLoop, UV_RUN_DEFAULT)
            uv_loop_close(uvLoop)
            freeMemory()
            throw .bindFailed(address: "event loop \"\(name)\"", reason: error.description)
        }
    }

    /// Runs `work` on the loop thread, after the work handed over before it. Work handed over once the loop has
    /// ended is never run.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        tryExecute(work)
    }

    /// Like `execute`; false if the loop has ended and `work` will never run (the caller then cleans up itself).
    @discardableResult
    func tryExecute(_ work: @escaping @Sendable () -> Void) -> Bool {
        queue.withLock { q in
            guard !q.closed else { return false }
            q.work.append(work)
            uv_async_send(wakeup)
            return true
        }
    }

    /// Whether the calling thread is this loop's thread (false for every thread once the loop has ended).
    public var isOnLoopThread: Bool {
        loopThreadKey.load(ordering: .acquiring) == OSThread.current.id
    }

    /// Closes every handle on the loop, lets their close callbacks run, ends the loop thread and waits for it to
    /// end. Idempotent, and safe from any thread; called on the loop thread itself it cannot wait, so the thread
    /// ends once the running callback returns.
    public func shutdown() {
        queue.withLock { q in
            guard !q.stopping, !q.closed else { return }
            q.stopping = true
            uv_async_send(wakeup)
        }
        let own = thread.withLock { t in
            defer { t = nil }
            return t
        }
        if isOnLoopThread {
            own?.detach()
            return
        }
        if let own {
            own.join()
        } else {
            exited.wait()
        }
    }

    // MARK: - On the loop thread

    private func run() {
        loopThreadKey.store(OSThread.current.id, ordering: .releasing)
        uv_run(uvLoop, UV_RUN_DEFAULT)
        // Every handle is closed. Run what was queued meanwhile, then refuse more.
        isStopping = true
        while true {
            let rest = queue.withLock { q in
                if q.work.isEmpty { q.closed = true }
                defer { q.work = [] }
                return q.work
            }
            if rest.isEmpty { break }
            for work in rest { work() }
        }
        if uv_loop_close(uvLoop) == 0 {
            freeMemory()
        }  // else a handle is still open: leak the loop rather than free memory libuv still uses.
        // A later thread may get this thread's id: from now on no thread is the loop thread.
        loopThreadKey.store(0, ordering: .releasing)
        exited.fulfill(())
    }

    private func runQueuedWork() {
        let (work, stopping) = queue.withLock { q in
            defer { q.work = [] }
            return (q.work, q.stopping)
        }
        for item in work { item() }
        if stopping && !isStopping {
            isStopping = true
            uv_walk(uvLoop, { handle, arg in
                guard let handle, uv_is_closing(handle) == 0 else { return }
                let loop = Unmanaged<EventLoop>.fromOpaque(arg!).takeUnretainedValue()
                if handle == asHandle(loop.wakeup) {
                    uv_close(handle, nil)  // freed by the loop thread as it ends
                } else if let owner = LoopHandle.owner(of: handle) {
                    owner.closeForLoopShutdown()
                } else {
                    uv_close(handle, nil)
                }
            }, Unmanaged.passUnretained(self).toOpaque())
        }
    }

    private func freeMemory() {
        uvLoop.deallocate()
        wakeup.deallocate()
        readBuffer.deallocate()
    }
}

/// Writing to a socket whose peer went away must fail with EPIPE, not kill the process: the first loop ignores
/// SIGPIPE for the whole process.
private let ignoreSIGPIPEOnce: Void = {
    _ = signal(SIGPIPE, SIG_IGN)
}()

/// `pointer` (a uv_tcp_t, uv_async_t, ...) as the uv_handle_t it begins with.
func asHandle<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_handle_t> {
    UnsafeMutablePointer(OpaquePointer(pointer))
}
