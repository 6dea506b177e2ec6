import Runtime
import Scheduler
import Storage

// The operator types of pair transformations besides mapValues, reduceByKey and groupByKey
// (TransformationOperators.swift): each replays its operator on the rebuilt input.

@usableFromInline
enum FlatMapValuesOperator<K, V, S: Sequence>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).flatMapValuesRDD(i.function(0, V.self, S.self), file: i.file, line: i.line)
    }
}
