import Runtime
import Scheduler
import Storage

@usableFromInline
enum FoldByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(ByKeyZeroParams<V>.self)
        return try i.input(0, as: RDD<(K, V)>.self).foldByKeyRDD(p.zero, numPartitions: p.numPartitions,
                                                                 i.function2(0, V.self, V.self, V.self),
                                                                 file: i.file, line: i.line)
    }
}
