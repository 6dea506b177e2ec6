import Runtime
import Scheduler
import Storage

// The operator types of shuffles that need no user function: `repartition` (and
// `coalesce(_:shuffle: true)`) and `distinct`.

@usableFromInline
enum RepartitionOperator<T: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).roundRobin(i.params(Int.self), codec: .codable, callSite: makeCallSite(i.file, i.line))
    }
}
