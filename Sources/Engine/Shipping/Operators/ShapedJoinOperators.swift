import Runtime
import Scheduler
import Storage

/// The kind and partition count of a join of values of any serializable shape.
public struct ShapedJoinParams: Codable, Sendable {
    /// Which join.
    public var kind: JoinKind
    /// The partition count asked for, if any.
    public var numPartitions: Int?

    /// The parameters of one call.
    @inlinable
    public init(kind: JoinKind, numPartitions: Int?) {
        self.kind = kind
        self.numPartitions = numPartitions
    }
}

@usableFromInline
enum ShapedCoGroupOperator<K: Hashable & Codable & SendableMetatype, V, W>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let shape = try i.params(PartitionerShape.self)
        return try i.input(0, as: RDD<(K, V)>.self).shapedCogroupRDD(
            i.input(1, as: RDD<(K, W)>.self), numPartitions: shape.numPartitions, partitioner: shape.partitioner,
            operation: "cogroup", file: i.file, line: i.line)
    }
}

@usableFromInline
enum ShapedJoinOperator<K: Hashable & Codable & SendableMetatype, V, W>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(ShapedJoinParams.self)
        let left = try i.input(0, as: RDD<(K, V)>.self), right = try i.input(1, as: RDD<(K, W)>.self)
        switch p.kind {
        case .inner: return left.shapedJoinRDD(right, numPartitions: p.numPartitions, file: i.file, line: i.line)
        case .leftOuter: return left.shapedLeftOuterJoinRDD(right, numPartitions: p.numPartitions, file: i.file, line: i.line)
        case .rightOuter: return left.shapedRightOuterJoinRDD(right, numPartitions: p.numPartitions, file: i.file, line: i.line)
        case .fullOuter: return left.shapedFullOuterJoinRDD(right, numPartitions: p.numPartitions, file: i.file, line: i.line)
        }
    }
}
