import Runtime
import Scheduler
import Storage

// Operations on records that are tuples of two fields, `(A, B)`: Swift's tuples are neither
// Hashable nor Codable, so each turns the records into ``Pair`` values (a `map` of a named
// function type, which travels), runs the operation, and turns them back.
extension RDD {
    /// The distinct pairs, through a shuffle.
    ///
    /// Mirrors Spark's `RDD.distinct` on `RDD[(A, B)]`; partitioned as ``distinct(numPartitions:file:line:)``.
    @inlinable
    public func distinct<A: TupleKeyPart, B: TupleKeyPart>(numPartitions: Int? = nil, file: String = #fileID,
                                                           line: Int = #line) -> RDD<(A, B)> where T == (A, B) {
        map(TupleToPair<A, B>(), file: file, line: line)
            .distinct(numPartitions: numPartitions, file: file, line: line)
            .map(PairToTuple<A, B>(), file: file, line: line)
    }

    /// How many times each distinct pair occurs, on the driver, under ``Pair`` keys (a
    /// dictionary cannot have tuple keys).
    ///
    /// Mirrors Spark's `RDD.countByValue` on `RDD[(A, B)]`.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func countByValue<A: TupleKeyPart, B: TupleKeyPart>(file: String = #fileID,
                                                               line: Int = #line) throws(EngineError) -> [Pair<A, B>: Int]
    where T == (A, B) {
        try map(TupleToPair<A, B>(), file: file, line: line).countByValue(file: file, line: line)
    }
}
