import Runtime
import Scheduler

extension RDD {
    /// Applies a named Codable function to every record; its fields travel to executors.
    ///
    /// Mirrors Spark's `RDD.map` given a serializable function object. The same as
    /// ``map(_:file:line:)->RDD<U>`` with a closure, except that `f` can capture state (its fields)
    /// and still run on executors in other processes: its type name and encoded fields travel.
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func map<F: MapFunction>(_ f: F, file: String = #fileID, line: Int = #line) -> RDD<F.Output> where F.Input == T {
        map(shipping: .of(portable: f), { try f($0) }, file: file, line: line)
    }

    /// Applies a named Codable function to every record and flattens what it returns.
    ///
    /// Mirrors Spark's `RDD.flatMap` given a serializable function object.
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func flatMap<F: FlatMapFunction>(_ f: F, file: String = #fileID, line: Int = #line) -> RDD<F.Output.Element>
    where F.Input == T {
        flatMap(shipping: .of(portable: f), { try f($0) }, file: file, line: line)
    }

    /// Keeps the records a named Codable predicate accepts.
    ///
    /// Mirrors Spark's `RDD.filter` given a serializable function object. Keeps the partitioner.
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func filter<F: FilterFunction>(_ f: F, file: String = #fileID, line: Int = #line) -> RDD<T> where F.Input == T {
        filter(shipping: .of(portable: f), { try f($0) }, file: file, line: line)
    }

    /// Combines all records with a named Codable function (associative and commutative);
    /// throws on an empty RDD.
    ///
    /// Mirrors Spark's `RDD.reduce` given a serializable function object.
    /// - Throws: `EngineError.invalidArgument` on an empty RDD; `.jobFailed` when `f` throws on
    ///   the driver; otherwise as ``collect(file:line:)``.
    @inlinable
    public func reduce<F: ReduceFunction>(_ f: F, file: String = #fileID, line: Int = #line) throws(EngineError) -> T
    where F.Value == T {
        try reduce(shipped: .of(portable: f), { try f($0, $1) }, file: file, line: line)
    }
}
