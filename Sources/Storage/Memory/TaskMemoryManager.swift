import Synchronization

/// One task's account of execution memory, as Spark's TaskMemoryManager: spillable
/// structures acquire memory as they grow, release it when they spill or finish; the
/// account tracks what the task holds, its peak, and what it spilled. Everything the task
/// still holds is returned when it ends.
public final class TaskMemoryManager: Sendable {
    /// The task attempt whose account this is.
    public let taskAttemptId: Int64
    private let budget: any ExecutionMemoryBudget
    private let state = Mutex<(used: Int64, peak: Int64, spilledMemory: Int64, spilledDisk: Int64)>((0, 0, 0, 0))

    /// An empty account of task `taskAttemptId`, drawing on `budget`.
    public init(taskAttemptId: Int64, budget: any ExecutionMemoryBudget) {
        self.taskAttemptId = taskAttemptId
        self.budget = budget
    }

    /// Asks for up to `bytes`; returns what was granted (0: spill, then ask again).
    public func acquire(_ bytes: Int64) -> Int64 {
        guard bytes > 0 else { return 0 }
        let got = budget.acquireExecutionMemory(bytes, taskAttemptId: taskAttemptId)
        state.withLock { s in
            s.used += got
            s.peak = max(s.peak, s.used)
        }
        return got
    }

    /// Returns `bytes` this task holds.
    public func release(_ bytes: Int64) {
        guard bytes > 0 else { return }
        let amount = state.withLock { s -> Int64 in
            let a = min(bytes, s.used)
            s.used -= a
            return a
        }
        budget.releaseExecutionMemory(amount, taskAttemptId: taskAttemptId)
    }

    /// Returns everything this task holds (called when the task ends).
    public func releaseAll() {
        state.withLock { $0.used = 0 }
        budget.releaseAllExecutionMemory(taskAttemptId: taskAttemptId)
    }

    /// Records a spill: `memoryBytes` of in-memory data written as `diskBytes` on disk.
    public func recordSpill(memoryBytes: Int64, diskBytes: Int64) {
        state.withLock { s in
            s.spilledMemory += memoryBytes
            s.spilledDisk += diskBytes
        }
    }

    /// Execution memory this task holds now.
    public var used: Int64 { state.withLock { $0.used } }
    /// The most execution memory this task held at once.
    public var peak: Int64 { state.withLock { $0.peak } }
    /// Bytes of in-memory data spilled, and their size on disk.
    public var spilled: (memory: Int64, disk: Int64) { state.withLock { ($0.spilledMemory, $0.spilledDisk) } }
}
