import Testing
import Threads

/// Tests that start threads or measure time run one at a time, so that one test's threads do not
/// stretch another's timings on a busy machine.
@Suite(.serialized) enum ThreadsSuite {}

/// Seconds `body` took, on the monotonic clock.
func elapsed<R>(_ body: () throws -> R) rethrows -> (R, Double) {
    let start = Monotonic.nanoseconds()
    let r = try body()
    return (r, Double(Monotonic.nanoseconds() - start) / 1e9)
}

/// Runs `body` on a new joinable OS thread and waits for it to end.
func onThread(_ name: String = "test-thread", _ body: @escaping @Sendable () -> Void) throws {
    try OSThread.start(name: name, body).join()
}

/// Sleeps the calling thread `seconds`.
func pause(_ seconds: Double) {
    var remaining = seconds
    while remaining > 0 {
        let start = Monotonic.nanoseconds()
        _ = ConditionLock(()).wait(timeout: remaining) { _ -> Bool? in nil }
        remaining -= Double(Monotonic.nanoseconds() - start) / 1e9
    }
}
