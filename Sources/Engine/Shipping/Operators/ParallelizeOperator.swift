import Runtime
import Scheduler
import Storage

@usableFromInline
enum ParallelizeOperator<T>: RDDOperator {
    /// The elements, as bytes when they are Codable (else a reason the RDD cannot travel).
    @inlinable
    static func encode(_ values: [T]) -> (values: [T], bytes: [UInt8], shipped: ShippedFunction) {
        guard let s = PersistSerializers.dynamic(T.self), let bytes = try? s.encode(values) else {
            return (values, [], .notPortable(reason: "distributes elements of \(T.self), which is not Codable"))
        }
        return (values, bytes, .value)
    }

    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(ParallelizeParams.self)
        guard let s = PersistSerializers.dynamic(T.self) else { throw ShippingError.corrupt("parallelize of \(T.self)") }
        return i.context.parallelizeRDD(try s.decode(p.data), numSlices: p.numSlices, file: i.file, line: i.line)
    }
}
