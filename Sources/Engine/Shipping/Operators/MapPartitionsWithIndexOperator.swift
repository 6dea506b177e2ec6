import Runtime
import Scheduler
import Storage

@usableFromInline
enum MapPartitionsWithIndexOperator<T, S: Sequence & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(MapPartitionsParams.self)
        return try i.input(0, as: RDD<T>.self).mapPartitionsWithIndexRDD(
            preservesPartitioning: p.preservesPartitioning, i.indexedPartitionFunction(0, T.self, S.self),
            operation: p.operation, file: i.file, line: i.line)
    }
}

extension RDD {
    /// `mapPartitionsWithIndex` as one definition (see ``map(shipping:_:file:line:)``).
    @inlinable
    func mapPartitionsWithIndex<S: Sequence & SendableMetatype>(
        shipping shipped: ShippedFunction, preservesPartitioning: Bool,
        _ f: @escaping @Sendable (Int, PartitionIterator<T>) throws -> S, operation: String, file: String, line: Int
    ) -> RDD<S.Element> {
        let mark = context.idMark
        return context.recorded(MapPartitionsWithIndexOperator<T, S>.self, operation, mark: mark, inputs: [self],
                                functions: [shipped],
                                params: MapPartitionsParams(preservesPartitioning: preservesPartitioning, operation: operation),
                                file: file, line: line,
                                mapPartitionsWithIndexRDD(preservesPartitioning: preservesPartitioning, f, operation: operation,
                                                          file: file, line: line))
    }
}
