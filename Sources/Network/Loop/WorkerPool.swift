import Synchronization
import Threads

/// A fixed number of named OS threads draining one queue of closures, for work a handler must not do on the loop
/// thread (reading a block from disk before replying, say).
///
/// Invariant: every closure submitted before `shutdown` runs exactly once; closures submitted after it never run
/// (a request they would have answered is then answered "no reply" when its `RpcResponder` is dropped).
public final class WorkerPool: Sendable {
    /// The pool's name; its threads are named "name-0", "name-1", ...
    public let name: String

    private struct Queue {
        var items: [@Sendable () -> Void] = []
        var head = 0
        var stopping = false

        mutating func pop() -> (@Sendable () -> Void)? {
            guard head < items.count else { return nil }
            let item = items[head]
            head += 1
            if head > 1024 && head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        }
    }

    private let queue = ConditionLock(Queue())
    private let threads = Mutex<[OSThread]>([])

    /// Starts `threads` threads (at least 1) named after `name`.
    public init(name: String, threads count: Int) {
        precondition(count >= 1, "a WorkerPool needs at least one thread, got \(count)")
        self.name = name
        var started: [OSThread] = []
        for i in 0..<count {
            do {
                started.append(try OSThread.start(name: "\(name)-\(i)", { [self] in self.work() }))
            } catch {
                precondition(!started.isEmpty, "WorkerPool \"\(name)\" could not start a thread: \(error)")
            }
        }
        threads.withLock { $0 = started }
    }

    /// Queues `work` to run on one of the pool's threads; ignored after `shutdown`.
    public func submit(_ work: @escaping @Sendable () -> Void) {
        queue.withLockNotifyingOne { q in
            guard !q.stopping else { return }
            q.items.append(work)
        }
    }

    /// Lets the threads finish the queued work, then ends them and waits for them (except the calling thread, if it
    /// is one of them). Idempotent.
    public func shutdown() {
        queue.withLockNotifyingAll { $0.stopping = true }
        let own = threads.withLock { t in
            defer { t = [] }
            return t
        }
        for t in own {
            if t == .current {
                t.detach()
            } else {
                t.join()
            }
        }
    }

    private func work() {
        while true {
            let next = queue.wait { q -> (@Sendable () -> Void)?? in
                if let item = q.pop() { return .some(item) }
                return q.stopping ? .some(nil) : nil
            }
            guard let item = next ?? nil else { return }
            item()
        }
    }
}
