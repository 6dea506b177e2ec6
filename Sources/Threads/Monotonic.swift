#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The monotonic clock (`CLOCK_MONOTONIC`) in nanoseconds: the clock every timed wait in ``ConditionLock`` measures
/// on, shared by the network layer's ask deadlines and timers.
///
/// Invariant: ``nanoseconds()`` never goes backwards, whatever happens to the wall clock.
public enum Monotonic {
    /// Nanoseconds since an arbitrary fixed point; never goes backwards.
    public static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    /// `seconds` as nanoseconds, clamped to 0 ... ~292 years (negative and NaN give 0).
    public static func nanoseconds(fromSeconds seconds: Double) -> UInt64 {
        guard seconds > 0 else { return 0 }
        guard seconds < 9e9 else { return UInt64(9e18) }
        return UInt64(seconds * 1e9)
    }

    /// The instant `seconds` from now, in ``nanoseconds()``' terms.
    public static func deadline(afterSeconds seconds: Double) -> UInt64 {
        nanoseconds() &+ nanoseconds(fromSeconds: seconds)
    }

    /// `ns` nanoseconds as a C `timespec`.
    static func timespecAt(nanoseconds ns: UInt64) -> timespec {
        #if canImport(Glibc)
        return Glibc.timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
        #else
        return Darwin.timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
        #endif
    }
}
