import Storage
import Synchronization

/// An execution budget that grants each task at most a fixed number of bytes, never
/// waiting: for tests of spilling, set with `engine.test.executionMemoryPerTask` (bytes).
/// The unified memory manager replaces it for real runs.
///
/// Invariant: `held[t]` ≤ `bytesPerTask` for every task `t`.
final class FixedExecutionMemory: ExecutionMemoryBudget {
    /// The conf key that selects this budget.
    static let confKey = "engine.test.executionMemoryPerTask"

    let bytesPerTask: Int64
    private let held = Mutex<[Int64: Int64]>([:])

    init(bytesPerTask: Int64) { self.bytesPerTask = bytesPerTask }

    /// The budget `conf` asks for, or nil.
    static func from(_ conf: EngineConf) -> FixedExecutionMemory? {
        guard let raw = conf.getRaw(confKey), let n = Int64(raw), n >= 0 else { return nil }
        return FixedExecutionMemory(bytesPerTask: n)
    }

    func acquireExecutionMemory(_ bytes: Int64, taskAttemptId: Int64) -> Int64 {
        held.withLock { h in
            let mine = h[taskAttemptId, default: 0]
            let got = Swift.max(0, Swift.min(bytes, bytesPerTask - mine))
            h[taskAttemptId] = mine + got
            return got
        }
    }

    func releaseExecutionMemory(_ bytes: Int64, taskAttemptId: Int64) {
        held.withLock { h in
            let left = Swift.max(0, h[taskAttemptId, default: 0] - bytes)
            h[taskAttemptId] = left == 0 ? nil : left
        }
    }

    @discardableResult
    func releaseAllExecutionMemory(taskAttemptId: Int64) -> Int64 {
        held.withLock { $0.removeValue(forKey: taskAttemptId) ?? 0 }
    }
}
