import Synchronization

/// What a task added to one accumulator: a sum of integers, a sum and count of doubles, or a
/// list of encoded elements.
public enum AccumulatorUpdate: Sendable, Equatable {
    /// Added integers (`LongAccumulator`'s kind).
    case long(Int64)
    /// Added doubles and how many (`DoubleAccumulator`'s kind).
    case double(sum: Double, count: Int64)
    /// Added elements, each encoded, in the order added (`CollectionAccumulator`'s kind).
    case collection([[UInt8]])

    /// This update followed by `other` (of the same kind; a mismatch keeps `other`).
    public func merged(with other: AccumulatorUpdate) -> AccumulatorUpdate {
        switch (self, other) {
        case (.long(let a), .long(let b)): return .long(a &+ b)
        case (.double(let s1, let c1), .double(let s2, let c2)): return .double(sum: s1 + s2, count: c1 + c2)
        case (.collection(let a), .collection(let b)): return .collection(a + b)
        default: return other
        }
    }
}

/// The driver's values of every accumulator, as Spark's AccumulatorContext: the DAGScheduler
/// merges a task's updates into it when it counts the task (a result task's once per
/// partition; a map task's when its output is taken), and code on the driver reads and adds.
/// Ids are unique in the process.
public enum AccumulatorRegistry {
    private static let values = Mutex<[Int: AccumulatorUpdate]>([:])
    private static let nextId = Atomic(0)

    /// Registers an accumulator starting at `zero`; returns its id.
    public static func register(_ zero: AccumulatorUpdate) -> Int {
        let id = nextId.wrappingAdd(1, ordering: .relaxed).oldValue
        values.withLock { $0[id] = zero }
        return id
    }

    /// Merges updates into the driver's values (unknown ids are ignored).
    public static func merge(_ updates: [Int: AccumulatorUpdate]) {
        values.withLock { v in
            for (id, u) in updates { if let old = v[id] { v[id] = old.merged(with: u) } }
        }
    }

    /// The driver's value of accumulator `id`.
    public static func value(_ id: Int) -> AccumulatorUpdate? { values.withLock { $0[id] } }

    /// Sets accumulator `id`'s value (reset).
    public static func set(_ id: Int, _ value: AccumulatorUpdate) { values.withLock { $0[id] = value } }
}
