import Runtime
import Scheduler
import Storage

/// `sortByKey(by:)` records the bounds its sampling job found, and its key function.
@usableFromInline
enum SortByKeyFunctionOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                               S: Comparable & Hashable & Codable & Sendable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(SortByKeyParams<S>.self)
        return try i.input(0, as: RDD<(K, V)>.self).sortByKeyFunctionRDD(bounds: p.bounds, ascending: p.ascending,
                                                                        i.function(0, K.self, S.self),
                                                                        file: i.file, line: i.line)
    }
}
