import Runtime
import Scheduler
import Storage

@usableFromInline
enum AggregateByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                            U: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(ByKeyZeroParams<U>.self)
        return try i.input(0, as: RDD<(K, V)>.self).aggregateByKeyRDD(
            p.zero, numPartitions: p.numPartitions, i.function2(0, U.self, V.self, U.self),
            i.function2(1, U.self, U.self, U.self), file: i.file, line: i.line)
    }
}

extension RDD {
    /// `aggregateByKey` as one definition (see ``map(shipping:_:file:line:)``).
    @inlinable
    func aggregateByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, U: Codable & SendableMetatype>(
        shipping shipped: (ShippedFunction, ShippedFunction), _ zero: U, numPartitions: Int?,
        _ seqOp: @escaping @Sendable (U, V) throws -> U, _ combOp: @escaping @Sendable (U, U) throws -> U,
        file: String, line: Int
    ) -> RDD<(K, U)> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(AggregateByKeyOperator<K, V, U>.self, "aggregateByKey", mark: mark, inputs: [self],
                                functions: [shipped.0, shipped.1],
                                params: ByKeyZeroParams(zero: zero, numPartitions: numPartitions), file: file, line: line,
                                aggregateByKeyRDD(zero, numPartitions: numPartitions, seqOp, combOp, file: file, line: line))
    }
}
