import Runtime
import Scheduler
import Storage

@usableFromInline
enum FoldByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(ByKeyZeroParams<V>.self)
        return try i.input(0, as: RDD<(K, V)>.self).foldByKeyRDD(p.zero, numPartitions: p.numPartitions,
                                                                 i.function2(0, V.self, V.self, V.self),
                                                                 file: i.file, line: i.line)
    }
}

extension RDD {
    /// `foldByKey` as one definition (see ``map(shipping:_:file:line:)``).
    @inlinable
    func foldByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>(
        shipping shipped: ShippedFunction, _ zero: V, numPartitions: Int?, _ f: @escaping @Sendable (V, V) throws -> V,
        file: String, line: Int
    ) -> RDD<(K, V)> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(FoldByKeyOperator<K, V>.self, "foldByKey", mark: mark, inputs: [self], functions: [shipped],
                                params: ByKeyZeroParams(zero: zero, numPartitions: numPartitions), file: file, line: line,
                                foldByKeyRDD(zero, numPartitions: numPartitions, f, file: file, line: line))
    }
}
