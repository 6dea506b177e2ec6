import Runtime
import Scheduler
import Storage

@usableFromInline
enum FilterOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).filterRDD(i.predicate(0, T.self), file: i.file, line: i.line)
    }
}

extension RDD {
    /// `filter` as one definition (see ``map(shipping:_:file:line:)``).
    @inlinable
    func filter(shipping shipped: ShippedFunction, _ predicate: @escaping @Sendable (T) throws -> Bool, file: String,
                line: Int) -> RDD<T> {
        let mark = context.idMark
        return context.recorded(FilterOperator<T>.self, "filter", mark: mark, inputs: [self], functions: [shipped],
                                file: file, line: line, filterRDD(predicate, file: file, line: line))
    }
}
