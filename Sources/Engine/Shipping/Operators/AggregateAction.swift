import Runtime
import Scheduler
import Storage

@usableFromInline
enum AggregateAction<T, U>: RDDOperator {
    /// The zero value as bytes, or why it cannot travel (as a shipped-function entry, so the job says so).
    @inlinable
    static func encodeZero(_ zero: U) -> (bytes: [UInt8], shipped: ShippedFunction) {
        guard let s = PersistSerializers.dynamic(U.self), let bytes = try? s.encode([zero]) else {
            return ([], .notPortable(reason: "has a zero value of \(U.self), which is not Codable"))
        }
        return (bytes, .value)
    }

    @inlinable
    static func make(_ zero: U, _ seqOp: @escaping @Sendable (U, T) throws -> U) -> ResultFunction<T, Unchecked<U>> {
        let z = Unchecked(zero)
        return ResultFunction(.records(U.self, wrap: { Unchecked($0[0]) }, unwrap: { [$0.value] })) { _, s in
            var acc = z.value
            try s.forEachRecord { x in acc = try seqOp(acc, x) }
            return Unchecked(acc)
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        guard let s = PersistSerializers.dynamic(U.self), let zero = try s.decode(try i.params([UInt8].self)).first else {
            throw ShippingError.corrupt("aggregate's zero value")
        }
        return make(zero, try i.function2(0, U.self, T.self, U.self))
    }
}

extension RDD {
    /// `aggregate` (and `fold`, named by `operation`) as one definition: `shipped` is `seqOp` as it
    /// travels, in any of the three forms; `combOp` runs on the driver only.
    @inlinable
    func aggregate<U>(shipping shipped: ShippedFunction, _ zero: U, _ seqOp: @escaping @Sendable (U, T) throws -> U,
                      _ combOp: @escaping @Sendable (U, U) throws -> U, operation: String,
                      file: String, line: Int) throws(EngineError) -> U {
        let zeroBytes = AggregateAction<T, U>.encodeZero(zero)
        let parts = try context.runJob(self, callSite: "\(operation) at \(makeCallSite(file, line))",
                                       function: context.recordCall(AggregateAction<T, U>.self, operation, inputs: [self],
                                                                    functions: [shipped, zeroBytes.shipped],
                                                                    params: zeroBytes.bytes, file: file, line: line) {
                                           AggregateAction<T, U>.make(zero, seqOp) })
        do {
            return try parts.reduce(zero) { try combOp($0, $1.value) }
        } catch {
            throw .jobFailed("Job aborted: the combine function failed on the driver: \(error)")
        }
    }
}
