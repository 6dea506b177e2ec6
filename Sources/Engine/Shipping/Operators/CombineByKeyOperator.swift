import Runtime
import Scheduler
import Storage

@usableFromInline
enum CombineByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                          C: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(CombineByKeyParams.self)
        return try i.input(0, as: RDD<(K, V)>.self).combineByKeyRDD(
            createCombiner: i.function(0, V.self, C.self), mergeValue: i.function2(1, C.self, V.self, C.self),
            mergeCombiners: i.function2(2, C.self, C.self, C.self), numPartitions: p.shape.numPartitions,
            partitioner: p.shape.partitioner, mapSideCombine: p.mapSideCombine, file: i.file, line: i.line)
    }
}

extension RDD {
    /// `combineByKey` as one definition (see ``map(shipping:_:file:line:)``).
    @inlinable
    func combineByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype, C: Codable & SendableMetatype>(
        shipping shipped: (ShippedFunction, ShippedFunction, ShippedFunction),
        createCombiner: @escaping @Sendable (V) throws -> C, mergeValue: @escaping @Sendable (C, V) throws -> C,
        mergeCombiners: @escaping @Sendable (C, C) throws -> C, numPartitions: Int?,
        partitioner: (any Partitioner)?, mapSideCombine: Bool, file: String, line: Int
    ) -> RDD<(K, C)> where T == (K, V) {
        let mark = context.idMark
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(CombineByKeyOperator<K, V, C>.self, "combineByKey", mark: mark, inputs: [self],
                                functions: [shipped.0, shipped.1, shipped.2, shape.shipped],
                                params: CombineByKeyParams(shape: shape, mapSideCombine: mapSideCombine), file: file, line: line,
                                combineByKeyRDD(createCombiner: createCombiner, mergeValue: mergeValue,
                                                mergeCombiners: mergeCombiners, numPartitions: numPartitions,
                                                partitioner: partitioner, mapSideCombine: mapSideCombine, file: file, line: line))
    }
}
