import Threads

/// An ask waiting for its answer, kept by its `RpcPeer` until the answer, the timeout or the connection's end.
///
/// Invariant: whoever removes the entry from the peer's table (under the peer's lock) completes it, so it completes
/// exactly once.
struct PendingAsk: Sendable {
    /// Who gets the outcome.
    enum Completion: Sendable {
        /// An asynchronous ask: the callback runs on the loop thread.
        case callback(@Sendable (Result<[UInt8], NetworkError>) -> Void)
        /// A blocking ask: the waiting thread is woken.
        case waiter(Latch<Result<[UInt8], NetworkError>>)
    }

    let type: UInt16
    let timeout: Double
    /// Monotonic nanoseconds after which the ask fails with `.timeout`.
    let deadline: UInt64
    let completion: Completion

    /// Delivers `result`. Call on the loop thread (the callback runs where this is called).
    func complete(_ result: Result<[UInt8], NetworkError>) {
        switch completion {
        case .callback(let callback): callback(result)
        case .waiter(let promise): promise.fulfill(result)
        }
    }
}
