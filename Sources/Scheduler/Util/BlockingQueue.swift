import Foundation

/// A FIFO that blocks takers until an item arrives or the queue is closed.
/// Used to hand work to OS threads (event loop, task threads) without Swift's concurrency pool.
/// A taken item is released at once: the queue holds no reference to what it handed out (an
/// event that carries a job's RDD must not keep the RDD alive once handled).
public final class BlockingQueue<Element>: @unchecked Sendable {
    // Unchecked: `items` and `closed` are only touched while holding `condition`.
    private let condition = NSCondition()
    private var items: [Element?] = []
    private var head = 0
    private var closed = false

    public init() {}

    /// Adds an item; returns false if the queue is closed.
    @discardableResult
    public func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        items.append(item)
        condition.signal()
        return true
    }

    /// Waits for the next item; nil once the queue is closed and drained.
    public func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        guard head < items.count else { return nil }
        let item = items[head]
        items[head] = nil
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return item!
    }

    /// Wakes every taker; later puts are refused.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
