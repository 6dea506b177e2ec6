import Runtime
import Scheduler
import Storage

@usableFromInline
enum CombineByKeyOperator<K: Hashable & Codable & SendableMetatype, V: Codable & SendableMetatype,
                          C: Codable & SendableMetatype>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(CombineByKeyParams.self)
        return try i.input(0, as: RDD<(K, V)>.self).combineByKeyRDD(
            createCombiner: i.function(0, V.self, C.self), mergeValue: i.function2(1, C.self, V.self, C.self),
            mergeCombiners: i.function2(2, C.self, C.self, C.self), numPartitions: p.shape.numPartitions,
            partitioner: p.shape.partitioner, mapSideCombine: p.mapSideCombine, file: i.file, line: i.line)
    }
}
