import Runtime
import Scheduler
import Storage

@usableFromInline
enum FlatMapOperator<T, S: Sequence>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).flatMapRDD(i.function(0, T.self, S.self), file: i.file, line: i.line)
    }
}

extension RDD {
    /// `flatMap` as one definition (see ``map(shipping:_:file:line:)``).
    @inlinable
    func flatMap<S: Sequence>(shipping shipped: ShippedFunction, _ f: @escaping @Sendable (T) throws -> S, file: String,
                              line: Int) -> RDD<S.Element> {
        let mark = context.idMark
        return context.recorded(FlatMapOperator<T, S>.self, "flatMap", mark: mark, inputs: [self], functions: [shipped],
                                file: file, line: line, flatMapRDD(f, file: file, line: line))
    }
}
