import Runtime
import Scheduler
import Storage

@usableFromInline
enum SortByKeyOperator<K: Comparable & Hashable & Codable & Sendable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(SortByKeyParams<K>.self)
        return try i.input(0, as: RDD<(K, V)>.self).sortByKeyRDD(bounds: p.bounds, ascending: p.ascending,
                                                                 file: i.file, line: i.line)
    }
}
