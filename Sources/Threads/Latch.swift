/// A one-shot value that one thread fulfils and others wait for, a bounded time if they like: a blocking ask's
/// answer, a job's outcome, a thread's "I have ended".
///
/// Invariant: the value is set at most once and never changes after; `fulfill` after a value or after `abandon` is
/// refused (returns false), so the side that produced a value it could not deliver (a connection nobody waits for
/// any more) knows to undo it. Every waiter sees the same value.
public final class Latch<Value: Sendable>: Sendable {
    private enum State {
        case waiting
        case fulfilled(Value)
        case abandoned
    }

    private let state = ConditionLock<State>(.waiting)

    /// A latch with no value yet.
    public init() {}

    /// Sets the value and wakes every waiter; false (and the value is dropped) if a value was already set or the
    /// waiter gave up.
    @discardableResult
    public func fulfill(_ value: Value) -> Bool {
        state.withLockNotifyingAll { state in
            guard case .waiting = state else { return false }
            state = .fulfilled(value)
            return true
        }
    }

    /// The value, waiting for it as long as it takes. Must not be called after ``abandon()``.
    public func wait() -> Value {
        state.wait { state in
            switch state {
            case .fulfilled(let value): return value
            case .waiting: return nil
            case .abandoned: preconditionFailure("Latch.wait() after abandon(): nothing will ever fulfil it")
            }
        }
    }

    /// The value, waiting at most `seconds` on the monotonic clock; nil on timeout (or after ``abandon()``).
    public func wait(timeout seconds: Double) -> Value? {
        state.wait(timeout: seconds) { state -> Value?? in
            switch state {
            case .fulfilled(let value): return .some(value)
            case .waiting: return nil
            case .abandoned: return .some(nil)
            }
        } ?? nil
    }

    /// The value if it is set, without waiting.
    public var value: Value? {
        state.withLock { state in
            if case .fulfilled(let value) = state { return value }
            return nil
        }
    }

    /// Gives up waiting: later `fulfill`s are refused. Returns the value if one arrived in the meantime (then the
    /// latch stays fulfilled).
    public func abandon() -> Value? {
        state.withLock { state in
            if case .fulfilled(let value) = state { return value }
            state = .abandoned
            return nil
        }
    }
}
