import Runtime
import Scheduler

extension RDD {
    /// Applies a named Codable function to every record; its fields travel to executors.
    @inlinable
    public func map<F: MapFunction>(_ f: F, file: String = #fileID, line: Int = #line) -> RDD<F.Output> where F.Input == T {
        let mark = context.idMark
        return context.recorded(MapOperator<T, F.Output>.self, "map", mark: mark, inputs: [self],
                                functions: [.of(portable: f)], file: file, line: line,
                                mapRDD({ try f($0) }, file: file, line: line))
    }

    /// Applies a named Codable function to every record and flattens what it returns.
    @inlinable
    public func flatMap<F: FlatMapFunction>(_ f: F, file: String = #fileID, line: Int = #line) -> RDD<F.Output.Element>
    where F.Input == T {
        let mark = context.idMark
        return context.recorded(FlatMapOperator<T, F.Output>.self, "flatMap", mark: mark, inputs: [self],
                                functions: [.of(portable: f)], file: file, line: line,
                                flatMapRDD({ try f($0) }, file: file, line: line))
    }

    /// Keeps the records a named Codable predicate accepts.
    @inlinable
    public func filter<F: FilterFunction>(_ f: F, file: String = #fileID, line: Int = #line) -> RDD<T> where F.Input == T {
        let mark = context.idMark
        return context.recorded(FilterOperator<T>.self, "filter", mark: mark, inputs: [self],
                                functions: [.of(portable: f)], file: file, line: line,
                                filterRDD({ try f($0) }, file: file, line: line))
    }

    /// Combines all records with a named Codable function (associative and commutative);
    /// throws on an empty RDD.
    @inlinable
    public func reduce<F: ReduceFunction>(_ f: F, file: String = #fileID, line: Int = #line) throws(EngineError) -> T
    where F.Value == T {
        try reduce(shipped: .of(portable: f), { try f($0, $1) }, file: file, line: line)
    }
}
