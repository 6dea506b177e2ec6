import Runtime
import Scheduler
import Storage

@usableFromInline
enum PairRepartitionOperator<K: Codable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).roundRobin(i.params(Int.self), codec: .pair(K.self, V.self),
                                                        callSite: makeCallSite(i.file, i.line))
    }
}
