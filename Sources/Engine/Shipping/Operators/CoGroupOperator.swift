import Runtime
import Scheduler
import Storage

// The operator types of two-RDD pair operations: cogroup, the joins and subtractByKey.
// Each replays its operator on the two rebuilt inputs (see RDDOperator).

@usableFromInline
enum CoGroupOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                     W: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        let left = try i.input(0, as: RDD<(K, V)>.self), right = try i.input(1, as: RDD<(K, W)>.self)
        return try left.cogroupImpl(right, partitioner: shape.partitioner ?? left.pairPartitioner(right, shape.numPartitions),
                                requested: shape.numPartitions, operation: "cogroup",
                                callSite: makeCallSite(i.file, i.line))
    }
}
