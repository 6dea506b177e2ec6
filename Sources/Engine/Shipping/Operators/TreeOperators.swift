import Runtime
import Scheduler
import Storage

/// The zero value and depth of `treeAggregate`.
public struct TreeAggregateParams<Zero: Codable>: Codable {
    /// The zero value each fold starts from.
    public var zero: Zero
    /// The depth of the tree asked for.
    public var depth: Int
    /// The parameters of one call.
    @inlinable
    public init(zero: Zero, depth: Int) {
        self.zero = zero
        self.depth = depth
    }
}

/// `treeAggregate` records the tree of partial results below the driver's last fold.
@usableFromInline
enum TreeAggregateOperator<T, U: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(TreeAggregateParams<U>.self)
        return try i.input(0, as: RDD<T>.self).treeAggregateRDD(p.zero, i.function2(0, U.self, T.self, U.self),
                                                               i.function2(1, U.self, U.self, U.self), depth: p.depth,
                                                               file: i.file, line: i.line)
    }
}

/// `treeReduce` records the tree of partial results below the driver's last reduce.
@usableFromInline
enum TreeReduceOperator<T: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).treeReduceRDD(i.function2(0, T.self, T.self, T.self), depth: i.params(Int.self),
                                                     file: i.file, line: i.line)
    }
}
