#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a pthread mutex, with a condition variable to wait for the value to change.
///
/// `Synchronization.Mutex` has no way to wait, so the blocking parts of the network layer (a blocking `ask`, the
/// worker pool's idle threads, waiting for a loop thread to exit) use this. Invariant: `state` is only read or
/// written with the mutex held — through `withLock` or inside `wait`'s predicate. The condition variable measures
/// time on the monotonic clock, so changing the wall clock does not shorten or stretch a wait.
final class ConditionMutex<State>: @unchecked Sendable {  // @unchecked: `state` is guarded by `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var state: State

    init(_ initial: State) {
        state = initial
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if canImport(Glibc)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the mutex held.
    func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Runs `body` with the mutex held, then wakes every waiter so it re-checks its predicate.
    func withLockNotifyingAll<R>(_ body: (inout State) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return body(&state)
    }

    /// Runs `body` with the mutex held, then wakes one waiter.
    func withLockNotifyingOne<R>(_ body: (inout State) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_signal(condition)
            pthread_mutex_unlock(mutex)
        }
        return body(&state)
    }

    /// Waits until `predicate` returns a value (evaluated with the mutex held, first right away and then after each
    /// notification), or until `timeout` seconds have passed; nil on timeout. A nil `timeout` waits for ever.
    func wait<R>(timeout: Double? = nil, until predicate: (inout State) -> R?) -> R? {
        let deadline = timeout.map { Monotonic.nanoseconds() &+ Monotonic.nanoseconds(fromSeconds: $0) }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let result = predicate(&state) { return result }
            if let deadline {
                let now = Monotonic.nanoseconds()
                if now >= deadline { return nil }
                var until = Monotonic.timespecAt(nanoseconds: deadline)
                #if canImport(Glibc)
                _ = pthread_cond_timedwait(condition, mutex, &until)
                #else
                var relative = Monotonic.timespecAt(nanoseconds: deadline - now)
                _ = pthread_cond_timedwait_relative_np(condition, mutex, &relative)
                _ = until
                #endif
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
    }
}

/// The monotonic clock in nanoseconds, shared by waits, ask deadlines and timers.
enum Monotonic {
    /// Nanoseconds since an arbitrary fixed point; never goes backwards.
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    /// `seconds` as nanoseconds, clamped to 0 ... ~292 years.
    static func nanoseconds(fromSeconds seconds: Double) -> UInt64 {
        guard seconds > 0 else { return 0 }
        guard seconds < 9e9 else { return UInt64(9e18) }
        return UInt64(seconds * 1e9)
    }

    static func timespecAt(nanoseconds ns: UInt64) -> timespec {
        #if canImport(Glibc)
        return Glibc.timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
        #else
        return Darwin.timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
        #endif
    }
}
