/// A FIFO that blocks takers until an item arrives or the queue is closed, to hand work to OS threads (the DAG
/// scheduler's event loop, an executor's task threads) without Swift's concurrency pool.
///
/// Invariant: items are taken in the order they were put, each by exactly one taker; once closed, no item is added,
/// the items already queued are still taken, and then every `take` returns nil at once. A taken item is released at
/// once: the queue holds no reference to what it handed out (an event that carries a job's RDD must not keep the RDD
/// alive once handled).
public final class BlockingQueue<Element: Sendable>: Sendable {
    private struct Items {
        var items: [Element?] = []
        /// Index of the next item to take; the slots before it are spent.
        var head = 0
        var closed = false

        mutating func pop() -> Element? {
            guard head < items.count else { return nil }
            let item = items[head]
            items[head] = nil
            head += 1
            if head > 1024 && head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        }
    }

    private let state = ConditionLock(Items())

    /// An empty, open queue.
    public init() {}

    /// Adds an item and wakes one taker; false (and the item is dropped) if the queue is closed.
    @discardableResult
    public func put(_ item: Element) -> Bool {
        state.withLockNotifyingOne { q in
            guard !q.closed else { return false }
            q.items.append(item)
            return true
        }
    }

    /// Waits for the next item; nil once the queue is closed and drained.
    public func take() -> Element? {
        state.wait { q -> Element?? in
            if let item = q.pop() { return .some(item) }
            return q.closed ? .some(nil) : nil
        }
    }

    /// Refuses later puts and wakes every taker: they drain what is queued, then get nil. Idempotent.
    public func close() {
        state.withLockNotifyingAll { $0.closed = true }
    }
}
