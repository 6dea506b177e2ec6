import Runtime
import Scheduler
import Storage

// The operator types of transformations: each replays its operator on the rebuilt input with
// the shipped functions and parameters (see RDDOperator). Replays go through the same
// `@inlinable` operator bodies as the driver's calls, so they run the same code.

@usableFromInline
enum MapOperator<T, U>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).mapRDD(i.function(0, T.self, U.self), file: i.file, line: i.line)
    }
}

extension RDD {
    /// `map` as one definition: records the call with `shipped` (`f` as it travels, in any of the
    /// three forms) and builds the RDD with `f`, the closure run in this process. `operation` names the
    /// call in errors and logs (an operator built on `map`, such as `sortByKey(by:)`, gives its own name).
    @inlinable
    func map<U>(shipping shipped: ShippedFunction, _ f: @escaping @Sendable (T) throws -> U, operation: String = "map",
                file: String, line: Int) -> RDD<U> {
        let mark = context.idMark
        return context.recorded(MapOperator<T, U>.self, operation, mark: mark, inputs: [self], functions: [shipped],
                                file: file, line: line, mapRDD(f, file: file, line: line))
    }
}
