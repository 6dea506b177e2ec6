import Runtime
import Scheduler
import Storage

@usableFromInline
enum KeyByOperator<T, K>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).keyByRDD(i.function(0, T.self, K.self), file: i.file, line: i.line)
    }
}

extension RDD {
    /// `keyBy` as one definition (see ``map(shipping:_:file:line:)``).
    @inlinable
    func keyBy<K>(shipping shipped: ShippedFunction, _ f: @escaping @Sendable (T) throws -> K, file: String,
                  line: Int) -> RDD<(K, T)> {
        let mark = context.idMark
        return context.recorded(KeyByOperator<T, K>.self, "keyBy", mark: mark, inputs: [self], functions: [shipped],
                                file: file, line: line, keyByRDD(f, file: file, line: line))
    }

    /// `sortBy` as one definition: `keyBy`, `sortByKey`, `values`.
    @inlinable
    func sortBy<K: Comparable & Hashable & Codable & Sendable & SendableMetatype>(
        shipping shipped: ShippedFunction, _ f: @escaping @Sendable (T) throws -> K, ascending: Bool, numPartitions: Int?,
        file: String, line: Int
    ) throws(EngineError) -> RDD<T> where T: Codable & SendableMetatype {
        try keyBy(shipping: shipped, f, file: file, line: line)
            .sortByKey(ascending: ascending, numPartitions: numPartitions, file: file, line: line).values(file: file, line: line)
    }
}
