import Scheduler
import Storage

/// The execution memory one spillable structure holds (an aggregation map, a sort buffer,
/// shuffle buffers): grown to about twice its estimated size when the estimate passes it,
/// given back in full when the structure spills or finishes.
struct MemoryGrant {
    private(set) var held: Int64 = 0

    /// True when `estimate` bytes are covered, asking `memory` for more if needed;
    /// false when memory was refused: the caller spills.
    mutating func covers(_ estimate: Int64, from memory: TaskMemoryManager) -> Bool {
        guard estimate > held else { return true }
        held += memory.acquire(2 * estimate - held)
        return estimate <= held
    }

    /// Gives everything back to `memory`.
    mutating func release(to memory: TaskMemoryManager) {
        memory.release(held)
        held = 0
    }

    /// Hands over what is held, to be released later (when a merge finishes); holds nothing after.
    mutating func take() -> Int64 {
        defer { held = 0 }
        return held
    }
}
