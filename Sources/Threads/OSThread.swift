#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A named OS thread: the one way the engine starts a thread. Its loops, workers and task threads run on these,
/// never on Swift's concurrency pool, because their work blocks (libuv's poll, disk reads, waiting for memory, user
/// code) and would starve the pool's few threads.
///
/// A thread started with ``start(name:stackSize:_:)`` is joinable: exactly one of ``join()`` or ``detach()`` must
/// be called on it once (copies of an `OSThread` name the same thread). ``startOSThread(name:stackSize:_:)`` starts
/// one that nobody joins.
///
/// Invariant: the thread carries its name (as much as fits in the 15 bytes Linux keeps) before its body runs.
public struct OSThread: Sendable, Hashable {
    /// The thread's pthread id as an integer: unique among running threads (a later thread may get it again),
    /// and cheap to keep in an `Atomic`.
    public let id: UInt

    private init(_ thread: pthread_t) {
        #if canImport(Glibc)
        id = UInt(thread)
        #else
        id = UInt(bitPattern: thread)
        #endif
    }

    private var handle: pthread_t {
        #if canImport(Glibc)
        pthread_t(id)
        #else
        pthread_t(bitPattern: id)!
        #endif
    }

    /// The calling thread.
    public static var current: OSThread { OSThread(pthread_self()) }

    /// Starts a joinable thread named `name` running `body`, with a stack of `stackSize` bytes (the system's default
    /// when nil). Throws if the system cannot start a thread (out of threads or memory).
    ///
    /// Ownership: the closure is boxed and passed to pthread as a retained `Unmanaged` pointer, which the new thread
    /// takes back (releases) before running it — or this function, if the thread could not be started.
    public static func start(
        name: String, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void
    ) throws(StartError) -> OSThread {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let stackSize {
            let rc = pthread_attr_setstacksize(&attributes, stackSize)
            guard rc == 0 else { throw StartError(name: name, code: rc) }
        }
        let box = Unmanaged.passRetained(ThreadBody(name: name, run: body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attributes, { raw in
            Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().start()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            throw StartError(name: name, code: rc)
        }
        return OSThread(thread)
        #else
        var thread: pthread_t?
        let rc = pthread_create(&thread, &attributes, { raw in
            Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().start()
            return nil
        }, box)
        guard rc == 0, let thread else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            throw StartError(name: name, code: rc)
        }
        return OSThread(thread)
        #endif
    }

    /// Waits for the thread to end. Must not be called on the thread itself (use ``detach()`` there).
    public func join() {
        precondition(self != .current, "OSThread.join() on the thread itself would wait for ever: detach it")
        pthread_join(handle, nil)
    }

    /// Lets the thread end without being joined: its resources are freed when it ends.
    public func detach() {
        pthread_detach(handle)
    }

    /// The system could not start thread `name`: `code` is pthread's error number.
    public struct StartError: Error, CustomStringConvertible, Sendable {
        /// The name of the thread that was not started.
        public let name: String
        /// pthread_create's (or pthread_attr_setstacksize's) error number.
        public let code: Int32

        /// One line: which thread, and the system's reason.
        public var description: String {
            "cannot start thread \"\(name)\": \(String(cString: strerror(code))) (too many threads or too little memory?)"
        }
    }
}

/// Starts a named OS thread (never Swift's concurrency pool) running `body`, which nobody joins; its stack is
/// `stackSize` bytes (16 MiB by default, for deep user code on task threads). Stops the process if the system cannot
/// start a thread: there is no way to go on without it.
public func startOSThread(name: String, stackSize: Int = 16 << 20, _ body: @escaping @Sendable () -> Void) {
    do {
        try OSThread.start(name: name, stackSize: stackSize, body).detach()
    } catch {
        fatalError(error.description)
    }
}

/// What a new thread runs: names the thread, then the body.
private final class ThreadBody {
    let name: String
    let run: @Sendable () -> Void

    init(name: String, run: @escaping @Sendable () -> Void) {
        self.name = name
        self.run = run
    }

    func start() {
        setCurrentThreadName(name)
        run()
    }
}

/// Names the calling thread `name`, cut to the 15 bytes Linux keeps (at a character boundary).
private func setCurrentThreadName(_ name: String) {
    var short = ""
    for character in name {
        guard short.utf8.count + character.utf8.count <= 15 else { break }
        short.append(character)
    }
    #if canImport(Glibc)
    // Glibc's module does not export pthread_setname_np (it is a GNU extension), and prctl is variadic: look the
    // function up once.
    guard let setName = pthreadSetName else { return }
    _ = short.withCString { setName(pthread_self(), $0) }
    #else
    pthread_setname_np(short)
    #endif
}

#if canImport(Glibc)
private typealias PthreadSetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32

/// glibc's `pthread_setname_np`, nil if this C library lacks it (then threads go unnamed).
private let pthreadSetName: PthreadSetName? = dlsym(nil, "pthread_setname_np").map {
    unsafeBitCast($0, to: PthreadSetName.self)
}
#endif
