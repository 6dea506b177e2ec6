import Runtime
import Scheduler

/// A sum of integers that tasks add to and the driver reads, as Spark's LongAccumulator.
///
/// Create it on the driver with ``EngineContext/longAccumulator(_:)``. It is a small `Codable`
/// handle: a closure may capture it in local mode, and a named `Codable` function type
/// (``MapFunction``, …) may hold it as a field to take it to executors in other processes.
/// A task's additions reach the driver with the task's status and count only when the task
/// succeeds, as in Spark: a failed attempt's never count. A result task's (an action's) count
/// once per partition of the job; a map task's (a transformation before a shuffle) once per
/// map output, even when a lost output is computed again. Every job that computes a
/// transformation counts it again, unless the job reuses the stage's output (a skipped stage).
///
/// ```swift
/// let blank = ctx.longAccumulator("blank lines")
/// struct CountBlank: FilterFunction {
///     var blank: LongAccumulator
///     func callAsFunction(_ line: String) -> Bool {
///         if line.isEmpty { blank.add(1) }
///         return !line.isEmpty
///     }
/// }
/// let n = try lines.filter(CountBlank(blank: blank)).count()
/// print(n, blank.value)
/// ```
public struct LongAccumulator: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The accumulator's id, unique in the driver's process.
    public let id: Int
    /// The name given at creation, for logs.
    public let name: String?

    init(name: String?, initialValue: Int64 = 0) {
        self.name = name
        id = AccumulatorRegistry.register(.long(initialValue))
    }

    /// Adds `v`: inside a task, to the task's update; on the driver, to the value.
    /// Mirrors Spark's `LongAccumulator.add`.
    public func add(_ v: Int64) {
        if let task = TaskContext.get() {
            task.addAccumulatorUpdate(id, .long(v))
        } else {
            AccumulatorRegistry.merge([id: .long(v)])
        }
    }

    /// Adds `v`.
    public func add(_ v: Int) { add(Int64(v)) }

    /// On the driver, the sum of every counted addition; inside a task, what this task added so far.
    /// Mirrors Spark's `LongAccumulator.value`.
    public var value: Int64 {
        let update = TaskContext.get().map { $0.metrics.accumulatorUpdates[id] ?? .long(0) } ?? AccumulatorRegistry.value(id)
        if case .long(let v)? = update { return v }
        return 0
    }

    /// Sets the driver's value back to zero.
    /// Mirrors Spark's `AccumulatorV2.reset`.
    public func reset() { AccumulatorRegistry.set(id, .long(0)) }

    /// `LongAccumulator(id: 3, name: blank lines, value: 12)`.
    public var description: String { "LongAccumulator(id: \(id)\(name.map { ", name: \($0)" } ?? ""), value: \(value))" }
}

/// A sum and count of doubles that tasks add to and the driver reads, as Spark's
/// DoubleAccumulator; travels and counts as ``LongAccumulator`` does.
public struct DoubleAccumulator: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The accumulator's id, unique in the driver's process.
    public let id: Int
    /// The name given at creation, for logs.
    public let name: String?

    init(name: String?, initialValue: Double = 0) {
        self.name = name
        id = AccumulatorRegistry.register(.double(sum: initialValue, count: 0))
    }

    /// Adds `v`: inside a task, to the task's update; on the driver, to the value.
    /// Mirrors Spark's `DoubleAccumulator.add`.
    public func add(_ v: Double) {
        if let task = TaskContext.get() {
            task.addAccumulatorUpdate(id, .double(sum: v, count: 1))
        } else {
            AccumulatorRegistry.merge([id: .double(sum: v, count: 1)])
        }
    }

    private var current: (sum: Double, count: Int64) {
        let update = TaskContext.get().map { $0.metrics.accumulatorUpdates[id] } ?? AccumulatorRegistry.value(id)
        if case .double(let s, let c)? = update { return (s, c) }
        return (0, 0)
    }

    /// The sum of the counted additions.
    public var sum: Double { current.sum }
    /// How many values were added.
    public var count: Int64 { current.count }
    /// The mean of the added values (NaN when none).
    /// Mirrors Spark's `DoubleAccumulator.avg`.
    public var avg: Double { let c = current; return c.count == 0 ? .nan : c.sum / Double(c.count) }
    /// The sum, as Spark's `value`.
    public var value: Double { sum }

    /// Sets the driver's value back to zero.
    /// Mirrors Spark's `AccumulatorV2.reset`.
    public func reset() { AccumulatorRegistry.set(id, .double(sum: 0, count: 0)) }

    /// `DoubleAccumulator(id: 4, name: latency, sum: 12.5, count: 5)`.
    public var description: String { "DoubleAccumulator(id: \(id)\(name.map { ", name: \($0)" } ?? ""), sum: \(sum), count: \(count))" }
}

extension EngineContext {
    /// A new integer accumulator starting at 0, as Spark's `sc.longAccumulator(name)`.
    public func longAccumulator(_ name: String? = nil) -> LongAccumulator { LongAccumulator(name: name) }

    /// A new double accumulator starting at 0, as Spark's `sc.doubleAccumulator(name)`.
    public func doubleAccumulator(_ name: String? = nil) -> DoubleAccumulator { DoubleAccumulator(name: name) }

    /// A new integer accumulator starting at `initialValue` (``LongAccumulator/reset()`` sets it to 0),
    /// as Spark's `sc.accumulator(initialValue, name)`.
    public func longAccumulator(_ name: String? = nil, initialValue: Int64) -> LongAccumulator {
        LongAccumulator(name: name, initialValue: initialValue)
    }

    /// A new double accumulator whose sum starts at `initialValue` (its count at 0).
    public func doubleAccumulator(_ name: String? = nil, initialValue: Double) -> DoubleAccumulator {
        DoubleAccumulator(name: name, initialValue: initialValue)
    }
}
