import Foundation
import Synchronization

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
        return result.withLock { $0 }
    }

    /// Whether the thread finished within `timeout` seconds (the result stays available).
    func finished(within timeout: Double) -> Bool {
        guard done.wait(timeout: .now() + timeout) == .success else { return false }
        done.signal()
        return true
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
