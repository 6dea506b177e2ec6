import Threads

/// The cleaner's queue: tasks in release order, and whether one is being carried out (so that
/// ``waitUntilIdle(timeout:)`` knows when all are done).
///
/// Invariant: once closed, no task is queued or handed out.
final class CleanupQueue: Sendable {
    private struct State {
        var items: [CleanupTask] = []
        var head = 0
        var busy = false
        var closed = false

        var idle: Bool { head == items.count && !busy }
    }

    private let state = ConditionLock(State())

    /// Queues `task` (dropped once the queue is closed).
    func put(_ task: CleanupTask) {
        state.withLockNotifyingAll { s in
            guard !s.closed else { return }
            s.items.append(task)
        }
    }

    /// The next task (marking the queue busy until ``finished()``); nil once closed.
    func take() -> CleanupTask? {
        state.wait { s -> CleanupTask?? in
            if s.closed { return .some(nil) }
            guard s.head < s.items.count else { return nil }
            let task = s.items[s.head]
            s.head += 1
            if s.head > 256 && s.head * 2 > s.items.count {
                s.items.removeFirst(s.head)
                s.head = 0
            }
            s.busy = true
            return .some(task)
        }
    }

    /// The task handed out by ``take()`` is done.
    func finished() {
        state.withLockNotifyingAll { $0.busy = false }
    }

    /// Refuses further tasks and drops the queued ones; returns how many were dropped.
    func close() -> Int {
        state.withLockNotifyingAll { s in
            s.closed = true
            let dropped = s.items.count - s.head
            s.items = []
            s.head = 0
            return dropped
        }
    }

    /// Tasks queued or being carried out.
    var pending: Int {
        state.withLock { s in s.items.count - s.head + (s.busy ? 1 : 0) }
    }

    /// Waits until every queued task is done (or the queue is closed); false after `timeout` seconds.
    func waitUntilIdle(timeout: Double) -> Bool {
        state.wait(timeout: timeout) { s -> Bool? in (s.idle || s.closed) ? true : nil } ?? false
    }
}
