import CLibUV

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts and joins named OS threads. The network layer runs its loops and workers on these, never on Swift's
/// concurrency pool, because their work blocks (libuv's poll, disk reads).
enum OSThread {
    /// The running thread's id.
    static var current: pthread_t { pthread_self() }

    /// Starts a thread named `name` (truncated to the 15 bytes Linux keeps) running `body`; join it with `join`.
    ///
    /// Ownership: the closure is boxed and passed to pthread as a retained `Unmanaged` pointer, which the new thread
    /// takes back (releases) before running it. Returns nil with the error number if pthread_create failed.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) -> Result<pthread_t, ThreadStartError> {
        let box = Unmanaged.passRetained(ThreadBody(name: name, run: body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let body = Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue()
            body.start()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            return .failure(ThreadStartError(code: rc))
        }
        return .success(thread)
        #else
        var thread: pthread_t?
        let rc = pthread_create(&thread, nil, { raw in
            let body = Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue()
            body.start()
            return nil
        }, box)
        guard rc == 0, let thread else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            return .failure(ThreadStartError(code: rc))
        }
        return .success(thread)
        #endif
    }

    /// Waits for `thread` to end.
    static func join(_ thread: pthread_t) {
        pthread_join(thread, nil)
    }

    /// Lets `thread` end without being joined (its resources are freed when it ends).
    static func detach(_ thread: pthread_t) {
        pthread_detach(thread)
    }

    /// Whether `a` and `b` name the same thread.
    static func equal(_ a: pthread_t, _ b: pthread_t) -> Bool {
        pthread_equal(a, b) != 0
    }
}

/// pthread_create failed: `code` is the error number.
struct ThreadStartError: Error, CustomStringConvertible {
    let code: Int32
    var description: String { "pthread_create failed: \(String(cString: strerror(code)))" }
}

/// What a new thread runs: sets its name, then the body.
private final class ThreadBody {
    let name: String
    let run: @Sendable () -> Void

    init(name: String, run: @escaping @Sendable () -> Void) {
        self.name = name
        self.run = run
    }

    func start() {
        let short = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        #if canImport(Glibc)
        _ = engine_set_current_thread_name(short)
        #else
        pthread_setname_np(short)
        #endif
        run()
    }
}
