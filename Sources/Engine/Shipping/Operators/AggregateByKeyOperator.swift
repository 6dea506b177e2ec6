import Runtime
import Scheduler
import Storage

@usableFromInline
enum AggregateByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                            U: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(ByKeyZeroParams<U>.self)
        return try i.input(0, as: RDD<(K, V)>.self).aggregateByKeyRDD(
            p.zero, numPartitions: p.numPartitions, i.function2(0, U.self, V.self, U.self),
            i.function2(1, U.self, U.self, U.self), file: i.file, line: i.line)
    }
}
