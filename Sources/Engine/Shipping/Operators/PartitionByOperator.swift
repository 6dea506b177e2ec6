import Runtime
import Scheduler
import Storage

@usableFromInline
enum PartitionByOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        guard let partitioner = try i.params(PartitionerShape.self).partitioner else {
            throw ShippingError.corrupt("partitionBy without its partitioner")
        }
        return try i.input(0, as: RDD<(K, V)>.self).shuffled(partitioner, operation: "partitionBy",
                                                             callSite: makeCallSite(i.file, i.line),
                                                             key: .codable, value: .codable)
    }
}
