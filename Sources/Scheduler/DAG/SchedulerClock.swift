import Foundation
import Synchronization

/// Time as the scheduler sees it, injected so tests run without sleeping.
public protocol SchedulerClock: Sendable {
    /// Seconds since an arbitrary origin.
    func now() -> Double
}

/// The machine's monotonic clock.
public struct SystemClock: SchedulerClock {
    /// The system clock.
    public init() {}
    /// Seconds of the monotonic clock (uptime).
    public func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}

/// A clock that moves only when a test advances it.
public final class ManualClock: SchedulerClock {
    private let time: Mutex<Double>
    /// A clock at `start` seconds.
    public init(_ start: Double = 0) { time = Mutex(start) }
    /// The current time, moved only by ``advance(_:)``.
    public func now() -> Double { time.withLock { $0 } }
    /// Moves the clock forward by `seconds`.
    public func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
}
