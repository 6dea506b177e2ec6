import Runtime
import Scheduler
import Storage

// The operator types of zip and zipPartitions (see RDDOperator).

@usableFromInline
enum ZipOperator<T, U>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).zipRDD(i.input(1, as: RDD<U>.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum ZipPartitionsOperator<T, U, S: Sequence & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).zipPartitionsRDD(i.input(1, as: RDD<U>.self), preservesPartitioning: i.params(Bool.self),
                                                         i.zippedPartitionsFunction(0, T.self, U.self, S.self),
                                                         file: i.file, line: i.line)
    }
}

@usableFromInline
enum ZipPartitions3Operator<T, B, C, S: Sequence & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).zipPartitionsRDD(i.input(1, as: RDD<B>.self), i.input(2, as: RDD<C>.self),
                                                         preservesPartitioning: i.params(Bool.self),
                                                         i.zippedPartitionsFunction(0, T.self, B.self, C.self, S.self),
                                                         file: i.file, line: i.line)
    }
}
