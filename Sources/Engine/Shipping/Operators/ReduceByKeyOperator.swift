import Runtime
import Scheduler
import Storage

@usableFromInline
enum ReduceByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<(K, V)>.self).reduceByKey(
            numPartitions: shape.numPartitions, partitioner: shape.partitioner,
            i.function2(0, V.self, V.self, V.self), file: i.file, line: i.line)
    }
}

extension RDD {
    /// `reduceByKey` as one definition (see ``map(shipping:_:file:line:)``).
    @inlinable
    func reduceByKey<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>(
        shipping shipped: ShippedFunction, numPartitions: Int?, partitioner: (any Partitioner)?,
        _ f: @escaping @Sendable (V, V) throws -> V, file: String, line: Int
    ) -> RDD<(K, V)> where T == (K, V) {
        let mark = context.idMark
        let out = reduceByKeyRDD(numPartitions: numPartitions, partitioner: partitioner, f, file: file, line: line)
        let shape = PartitionerShape(numPartitions: numPartitions, partitioner: partitioner)
        return context.recorded(ReduceByKeyOperator<K, V>.self, "reduceByKey", mark: mark, inputs: [self],
                                functions: [shipped, shape.shipped], params: shape, file: file, line: line, out)
    }
}
