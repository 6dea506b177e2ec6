import Foundation

/// Starts a named OS thread (never Swift's concurrency pool) running `body`.
public func startOSThread(name: String, stackSize: Int = 16 << 20, _ body: @escaping @Sendable () -> Void) {
    let t = Thread { body() }
    t.name = name
    t.stackSize = stackSize
    t.start()
}
