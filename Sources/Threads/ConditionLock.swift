#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a pthread mutex, with a condition variable to wait for the value to change: the one way a
/// thread in the engine waits for another (``Latch`` and ``BlockingQueue`` are built on it).
///
/// `Synchronization.Mutex` has no way to wait, so state a thread must wait on (a blocking `ask`, idle worker threads,
/// a task waiting for a block lock or for execution memory) lives in one of these; state nobody waits on belongs in
/// a `Mutex`. Invariant: `state` is only read or written with the mutex held — through the `withLock` methods or
/// inside `wait`'s predicate — and it enters and leaves only as `sending` values, as with `Mutex`. The condition
/// variable measures time on the monotonic clock (``Monotonic``), so changing the wall clock does not shorten or
/// stretch a wait.
public final class ConditionLock<State>: @unchecked Sendable {
    // @unchecked: `state` is guarded by `mutex`, and crosses threads only as `sending` values.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var state: State

    /// A lock guarding `initial`.
    public init(_ initial: sending State) {
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

    /// Runs `body` with the mutex held. Wakes nobody: use it for changes no waiter is waiting for.
    public func withLock<R, E: Error>(_ body: (inout sending State) throws(E) -> sending R) throws(E) -> sending R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Runs `body` with the mutex held, then wakes every waiter so it re-checks its predicate (also when `body`
    /// throws).
    public func withLockNotifyingAll<R, E: Error>(
        _ body: (inout sending State) throws(E) -> sending R
    ) throws(E) -> sending R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&state)
    }

    /// Runs `body` with the mutex held, then wakes one waiter (also when `body` throws). Only for waiters that all
    /// wait for the same thing (any one of them can use what `body` did), or one of them may sleep through it.
    public func withLockNotifyingOne<R, E: Error>(
        _ body: (inout sending State) throws(E) -> sending R
    ) throws(E) -> sending R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_signal(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&state)
    }

    /// Wakes every waiter so it re-checks its predicate, for a change already made under the lock. (A waiter that
    /// saw the state before that change was already waiting when it was made, so it is woken.)
    public func notifyAll() {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Waits until `predicate` returns a value and returns it. The predicate runs with the mutex held, first right
    /// away and then after each notification (and after spurious wake-ups), so it must be cheap and may change the
    /// state (to take what it waited for, say).
    public func wait<R>(until predicate: (inout sending State) -> sending R?) -> sending R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let result = predicate(&state) { return result }
            pthread_cond_wait(condition, mutex)
        }
    }

    /// Waits until `predicate` returns a value, as ``wait(until:)``, or until `seconds` have passed on the monotonic
    /// clock; nil on timeout. The predicate is checked once more when the time is up, so a change made at the last
    /// moment is not missed; `seconds <= 0` checks it once without waiting.
    public func wait<R>(timeout seconds: Double, until predicate: (inout sending State) -> sending R?) -> sending R? {
        wait(deadline: Monotonic.deadline(afterSeconds: seconds), until: predicate)
    }

    /// Waits until `predicate` returns a value, as ``wait(until:)``, or until the monotonic clock reaches `deadline`
    /// (nanoseconds, as ``Monotonic/nanoseconds()`` counts them); nil on timeout. The predicate is checked once more
    /// when the time is up.
    public func wait<R>(deadline: UInt64, until predicate: (inout sending State) -> sending R?) -> sending R? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let result = predicate(&state) { return result }
            let now = Monotonic.nanoseconds()
            if now >= deadline { return nil }
            #if canImport(Glibc)
            var until = Monotonic.timespecAt(nanoseconds: deadline)
            _ = pthread_cond_timedwait(condition, mutex, &until)
            #else
            var relative = Monotonic.timespecAt(nanoseconds: deadline - now)
            _ = pthread_cond_timedwait_relative_np(condition, mutex, &relative)
            #endif
        }
    }
}
