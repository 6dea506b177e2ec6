import Runtime
import Scheduler
import Storage

// The operator types of aggregations and sorts by key of values of any serializable shape (see RDD+ShapedValues).

@usableFromInline
enum ShapedAggregateByKeyOperator<K: Hashable & Codable & SendableMetatype, V, U>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(ByKeyZeroParams<[UInt8]>.self)
        guard let s = PersistSerializers.dynamic(U.self), let zero = try s.decode(p.zero).first else {
            throw ShippingError.corrupt("aggregateByKey's zero value")
        }
        return try i.input(0, as: RDD<(K, V)>.self).shapedAggregateByKeyRDD(
            zero, numPartitions: p.numPartitions, i.function2(0, U.self, V.self, U.self),
            i.function2(1, U.self, U.self, U.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum ShapedSortByKeyOperator<K: Comparable & Hashable & Codable & Sendable & SendableMetatype, V>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(SortByKeyParams<K>.self)
        let value = shapedElementCodec(V.self, "sortByKey at \(makeCallSite(i.file, i.line))")
        return try i.input(0, as: RDD<(K, V)>.self).sortByKeyRDD(bounds: p.bounds, ascending: p.ascending,
                                                                 file: i.file, line: i.line, value: value.codec)
    }
}
