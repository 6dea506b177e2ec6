import Runtime
import Scheduler
import Storage

/// The arguments of `repartitionAndSortWithinPartitions`.
public struct SortWithinParams: Codable, Sendable {
    /// The partitioner.
    public var shape: PartitionerShape
    /// True for ascending keys.
    public var ascending: Bool
    /// The parameters of one call.
    @inlinable
    public init(shape: PartitionerShape, ascending: Bool) {
        self.shape = shape
        self.ascending = ascending
    }
}

@usableFromInline
enum RepartitionAndSortOperator<K: Comparable & Hashable & Codable & Sendable & SendableMetatype,
                                V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(SortWithinParams.self)
        guard let partitioner = try p.shape.partitioner else {
            throw ShippingError.corrupt("repartitionAndSortWithinPartitions without its partitioner")
        }
        return try i.input(0, as: RDD<(K, V)>.self).repartitionAndSortRDD(partitioner, ascending: p.ascending,
                                                                         file: i.file, line: i.line)
    }
}
