import Runtime
import Scheduler
import Storage

@usableFromInline
enum ForeachAction<T>: RDDOperator {
    @inlinable
    static func make(_ f: @escaping @Sendable (T) throws -> Void) -> ResultFunction<T, Void> {
        ResultFunction(.void) { _, s in try s.forEachRecord { x in try f(x) } }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make(try i.effect(0, T.self)) }
}

extension RDD {
    /// `foreach` as one definition: records the job function with `shipped` (`f` as it travels,
    /// in any of the three forms) and runs it with `f`, the closure run in this process.
    @inlinable
    func foreach(shipping shipped: ShippedFunction, _ f: @escaping @Sendable (T) throws -> Void, file: String,
                 line: Int) throws(EngineError) {
        _ = try context.runJob(self, callSite: "foreach at \(makeCallSite(file, line))",
                               function: context.recordCall(ForeachAction<T>.self, "foreach", inputs: [self],
                                                            functions: [shipped], file: file, line: line) {
                                   ForeachAction<T>.make(f) })
    }
}
