/// A one-shot result that one thread fulfils and another waits for, a bounded time if it likes.
///
/// Invariant: the value is set at most once; `fulfill` after a value or after `abandon` is refused (returns false),
/// so the side that produced a value it could not deliver (a connection nobody waits for any more) knows to undo it.
final class BlockingPromise<Value: Sendable>: Sendable {
    private enum State {
        case waiting
        case fulfilled(Value)
        case abandoned
    }

    private let state = ConditionMutex<State>(.waiting)

    init() {}

    /// Sets the value and wakes the waiter; false if a value was already set or the waiter gave up.
    @discardableResult
    func fulfill(_ value: Value) -> Bool {
        state.withLockNotifyingAll { state in
            guard case .waiting = state else { return false }
            state = .fulfilled(value)
            return true
        }
    }

    /// The value, waiting at most `timeout` seconds (for ever if nil); nil on timeout.
    func wait(timeout: Double? = nil) -> Value? {
        state.wait(timeout: timeout) { state in
            if case .fulfilled(let value) = state { return value }
            return nil
        }
    }

    /// Gives up waiting: later `fulfill`s are refused. Returns the value if one arrived in the meantime.
    func abandon() -> Value? {
        state.withLock { state in
            if case .fulfilled(let value) = state { return value }
            state = .abandoned
            return nil
        }
    }
}
