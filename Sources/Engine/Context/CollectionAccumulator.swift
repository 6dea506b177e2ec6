import Runtime
import Scheduler
import Storage

/// A list of values that tasks add to and the driver reads, as Spark's CollectionAccumulator.
///
/// Create it with ``EngineContext/collectionAccumulator(_:of:initialValue:)``. Like ``LongAccumulator`` it is
/// a small `Codable` handle that travels inside a named `Codable` function type or a `with:`
/// value, and its additions count only when their task succeeds (once per partition of an
/// action, once per map output of a transformation). Elements are kept in the order their
/// tasks were counted, each task's in the order it added them.
public struct CollectionAccumulator<T: Codable & Sendable>: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The accumulator's id, unique in the driver's process.
    public let id: Int
    /// The name given at creation, for logs.
    public let name: String?

    init(name: String?, initialValue: [T]) throws(EngineError) {
        self.name = name
        id = AccumulatorRegistry.register(.collection(try initialValue.map(Self.encode)))
    }

    private static func encode(_ value: T) throws(EngineError) -> [UInt8] {
        do {
            return try BinaryEncoder().encode(value)
        } catch {
            throw .invalidArgument("collection accumulator: cannot encode \(T.self) value: \(error)")
        }
    }

    /// Adds `value`: inside a task, to the task's update; on the driver, to the value.
    /// Mirrors Spark's `CollectionAccumulator.add`.
    /// - Throws: `EngineError.invalidArgument` when `value` does not encode.
    public func add(_ value: T) throws(EngineError) {
        let update = AccumulatorUpdate.collection([try Self.encode(value)])
        if let task = TaskContext.get() {
            task.addAccumulatorUpdate(id, update)
        } else {
            AccumulatorRegistry.merge([id: update])
        }
    }

    /// On the driver, every counted addition; inside a task, what this task added so far.
    /// Mirrors Spark's `CollectionAccumulator.value`.
    public var value: [T] {
        let update = TaskContext.get().map { $0.metrics.accumulatorUpdates[id] } ?? AccumulatorRegistry.value(id)
        guard case .collection(let elements)? = update else { return [] }
        // Each element was encoded from a T by `add` in the same build, so it decodes.
        return elements.compactMap { try? BinaryDecoder().decode(T.self, from: $0) }
    }

    /// Empties the driver's list. Mirrors Spark's `AccumulatorV2.reset`.
    public func reset() { AccumulatorRegistry.set(id, .collection([])) }

    /// `CollectionAccumulator(id: 5, name: bad lines, count: 3)`.
    public var description: String {
        "CollectionAccumulator(id: \(id)\(name.map { ", name: \($0)" } ?? ""), count: \(value.count))"
    }
}

extension EngineContext {
    /// A new list accumulator of `T` values, starting with `initialValue`, as Spark's
    /// `sc.collectionAccumulator(name)`.
    /// - Throws: `EngineError.invalidArgument` when an initial value does not encode.
    public func collectionAccumulator<T: Codable & Sendable>(_ name: String? = nil, of type: T.Type = T.self,
                                                             initialValue: [T] = []) throws(EngineError) -> CollectionAccumulator<T> {
        try CollectionAccumulator(name: name, initialValue: initialValue)
    }
}
