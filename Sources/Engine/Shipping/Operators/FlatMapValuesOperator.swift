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

extension RDD {
    /// `flatMapValues` as one definition (see ``map(shipping:_:file:line:)``).
    @inlinable
    func flatMapValues<K, V, S: Sequence>(shipping shipped: ShippedFunction, _ f: @escaping @Sendable (V) throws -> S,
                                          file: String, line: Int) -> RDD<(K, S.Element)> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(FlatMapValuesOperator<K, V, S>.self, "flatMapValues", mark: mark, inputs: [self],
                                functions: [shipped], file: file, line: line, flatMapValuesRDD(f, file: file, line: line))
    }
}
