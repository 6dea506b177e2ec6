import Runtime
import Scheduler
import Storage

@usableFromInline
enum MapPartitionsOperator<T, S: Sequence & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).mapPartitionsRDD(preservesPartitioning: i.params(Bool.self),
                                                         i.partitionFunction(0, T.self, S.self),
                                                         file: i.file, line: i.line)
    }
}

extension RDD {
    /// `mapPartitions` as one definition (see ``map(shipping:_:file:line:)``).
    @inlinable
    func mapPartitions<S: Sequence & SendableMetatype>(shipping shipped: ShippedFunction, preservesPartitioning: Bool,
                                                       _ f: @escaping @Sendable (PartitionIterator<T>) throws -> S,
                                                       file: String, line: Int) -> RDD<S.Element> {
        let mark = context.idMark
        return context.recorded(MapPartitionsOperator<T, S>.self, "mapPartitions", mark: mark, inputs: [self],
                                functions: [shipped], params: preservesPartitioning, file: file, line: line,
                                mapPartitionsRDD(preservesPartitioning: preservesPartitioning, f, file: file, line: line))
    }
}
