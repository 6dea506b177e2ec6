import Foundation

/// One result handed from a callback (on any thread) to a thread waiting for it.
package final class ResultBox<T>: @unchecked Sendable {
    // Unchecked: `result` is guarded by `condition`.
    private let condition = NSCondition()
    private var result: Result<T, any Error>?

    /// Stores the result (the first one wins) and wakes the waiter.
    package init() {}

    package func set(_ r: Result<T, any Error>) {
        condition.lock()
        if result == nil { result = r }
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the result and returns it, or throws its error.
    package func wait() throws -> T {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return try result!.get()
    }
}
