import Runtime
import Scheduler
import Storage

@usableFromInline
enum MapValuesOperator<K, V, U>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<(K, V)>.self).mapValuesRDD(i.function(0, V.self, U.self),
                                                           file: i.file, line: i.line)
    }
}

extension RDD {
    /// `mapValues` as one definition (see ``map(shipping:_:file:line:)``).
    @inlinable
    func mapValues<K, V, U>(shipping shipped: ShippedFunction, _ f: @escaping @Sendable (V) throws -> U, file: String,
                            line: Int) -> RDD<(K, U)> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(MapValuesOperator<K, V, U>.self, "mapValues", mark: mark, inputs: [self], functions: [shipped],
                                file: file, line: line, mapValuesRDD(f, file: file, line: line))
    }
}
