import Foundation
import Logging
import Synchronization
import Testing

@testable import Network

/// Every test that starts threads or sockets runs in this suite, one at a time, so that thread counts and timings
/// are not disturbed by other tests.
@Suite(.serialized) enum NetworkSuite {}

/// Runs `body` on its own OS thread; `join(timeout:)` waits for its result a bounded time.
final class TestThread<R: Sendable>: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let result = Mutex<R?>(nil)

    init(_ body: @escaping @Sendable () -> R) {
        let t = Thread { [self] in
            let r = body()
            self.result.withLock { $0 = r }
            self.done.signal()
        }
        t.start()
    }

    /// The thread's result, or nil if it has not finished within `timeout` seconds.
    func join(timeout: Double = 10) -> R? {
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        done.signal()
        return result.withLock { $0 }
    }
}

/// Polls `condition` until it holds or `timeout` seconds pass; whether it held.
func eventually(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
}

/// Seconds `body` took.
func elapsed(_ body: () throws -> Void) rethrows -> Double {
    let start = Date()
    try body()
    return Date().timeIntervalSince(start)
}

/// `count` pseudo-random bytes (xorshift), different for each seed.
func testBytes(count: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        let raw = UnsafeMutableRawBufferPointer(buffer)
        var i = 0
        while i < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            let n = min(8, count - i)
            withUnsafeBytes(of: state) { raw.baseAddress!.advanced(by: i).copyMemory(from: $0.baseAddress!, byteCount: n) }
            i += n
        }
        initialized = count
    }
}

/// Byte-for-byte equality with memcmp (an element loop is slow in debug builds for tens of MiB).
func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, a.count) == 0 } }
}

/// A handler whose behaviour each test sets: by default it echoes requests; it records one-way messages and
/// disconnects.
final class TestHandler: RpcHandler {
    typealias Receive = @Sendable (UInt16, [UInt8], RpcPeer, RpcResponder?) -> Void

    struct Disconnect: Sendable {
        let peerId: Int
        let reason: String
    }

    private let onReceive: Receive
    let oneWay = Mutex<[(type: UInt16, payload: [UInt8])]>([])
    let disconnects = Mutex<[Disconnect]>([])
    let peers = Mutex<[RpcPeer]>([])
    let heldResponders = Mutex<[RpcResponder]>([])

    init(_ onReceive: @escaping Receive = { _, payload, _, responder in responder?.reply(payload) }) {
        self.onReceive = onReceive
    }

    /// A handler that keeps every request unanswered (until the test drops it).
    static func holding() -> TestHandler {
        let box = Mutex<TestHandler?>(nil)
        let handler = TestHandler { _, _, _, responder in
            if let responder { box.withLock { $0 }?.heldResponders.withLock { $0.append(responder) } }
        }
        box.withLock { $0 = handler }
        return handler
    }

    /// Calls that broke the protocol's promises: not on the loop thread, or `peerDisconnected` for an open peer.
    let violations = Mutex<[String]>([])

    func receive(type: UInt16, payload: [UInt8], from peer: RpcPeer, responder: RpcResponder?) {
        if !peer.env.loop.isOnLoopThread { violations.withLock { $0.append("receive off the loop thread") } }
        peers.withLock { if !$0.contains(peer) { $0.append(peer) } }
        if responder == nil { oneWay.withLock { $0.append((type, payload)) } }
        onReceive(type, payload, peer, responder)
    }

    func peerDisconnected(_ peer: RpcPeer, reason: String) {
        if !peer.env.loop.isOnLoopThread { violations.withLock { $0.append("peerDisconnected off the loop thread") } }
        if peer.isOpen { violations.withLock { $0.append("peerDisconnected for an open peer") } }
        disconnects.withLock { $0.append(Disconnect(peerId: peer.id, reason: reason)) }
    }

    var disconnectCount: Int { disconnects.withLock { $0.count } }
}

/// A log handler that keeps what it is given, so tests can check what was logged (and stay quiet).
struct CapturingLogHandler: LogHandler {
    final class Store: Sendable {
        let entries = Mutex<[(level: Logger.Level, message: String)]>([])

        func messages(at level: Logger.Level) -> [String] {
            entries.withLock { $0.filter { $0.level == level }.map(\.message) }
        }
    }

    let store: Store
    var logLevel: Logger.Level = .debug
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        store.entries.withLock { $0.append((event.level, event.message.description)) }
    }
}

/// A logger that records into a fresh store.
func capturingLogger() -> (Logger, CapturingLogHandler.Store) {
    let store = CapturingLogHandler.Store()
    return (Logger(label: "engine.network") { _ in CapturingLogHandler(store: store) }, store)
}

/// A server env listening on loopback and a client env connected to it; both are shut down afterwards.
struct EnvPair {
    let server: RpcEnv
    let client: RpcEnv
    let address: NetworkAddress
    let serverLog: CapturingLogHandler.Store
    let clientLog: CapturingLogHandler.Store

    init(server serverHandler: any RpcHandler, client clientHandler: any RpcHandler = TestHandler(),
         maxFrameSize: Int = 64 << 20) throws {
        let (serverLogger, serverLog) = capturingLogger()
        let (clientLogger, clientLog) = capturingLogger()
        server = try RpcEnv(name: "test-server", handler: serverHandler, maxFrameSize: maxFrameSize, logger: serverLogger)
        client = try RpcEnv(name: "test-client", handler: clientHandler, maxFrameSize: maxFrameSize, logger: clientLogger)
        address = try server.listen(host: "127.0.0.1", port: 0)
        self.serverLog = serverLog
        self.clientLog = clientLog
    }

    func connect() throws -> RpcPeer {
        try client.connect(to: address, timeout: 5)
    }

    func shutdown() {
        client.shutdown()
        server.shutdown()
    }
}

/// The number of threads in this process.
func threadCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1
}

/// A plain blocking TCP socket, to play a misbehaving client or server.
final class RawSocket: Sendable {
    let fd: Int32

    init(fd: Int32) {
        self.fd = fd
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Connects to 127.0.0.1:`port`.
    static func connect(port: Int) throws -> RawSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port: port)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            close(fd)
            throw RawSocketError(what: "connect to 127.0.0.1:\(port)", code: errno)
        }
        return RawSocket(fd: fd)
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads up to `count` bytes; empty at end of stream or on error.
    func receive(upTo count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count, 0) }
        return n > 0 ? Array(buffer[..<n]) : []
    }

    /// Whether the other end closes the connection within the socket's 5 s receive timeout.
    func isClosedByPeer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    deinit {
        close(fd)
    }
}

/// A raw socket listening on 127.0.0.1 (an ephemeral port).
final class RawListener: Sendable {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = RawSocket.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, sa, &length) == 0 ? 0 : errno
            }
        }
        guard rc == 0 else {
            close(fd)
            throw RawSocketError(what: "listen on 127.0.0.1", code: rc)
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func accept() -> RawSocket {
        RawSocket(fd: Glibc.accept(fd, nil, nil))
    }

    deinit {
        close(fd)
    }
}

struct RawSocketError: Error, CustomStringConvertible {
    let what: String
    let code: Int32
    var description: String { "\(what) failed: \(String(cString: strerror(code)))" }
}
