import Runtime
import Scheduler
import Storage

/// The function of a result stage: applied to each partition's stream on a task thread.
@usableFromInline
final class ResultFunction<T, U>: JobFunction, @unchecked Sendable {
    // Unchecked: the closure is @Sendable and never changes.
    @usableFromInline let body: @Sendable (TaskContext, PartitionStream<T>) throws -> U
    /// How a result travels from an executor in another process back to the driver.
    @usableFromInline let resultCodec: ResultCodec<U>
    /// The action call that made this function, so it can be rebuilt in another process.
    public let origin = OriginBox()

    @inlinable
    init(_ resultCodec: ResultCodec<U>, _ body: @escaping @Sendable (TaskContext, PartitionStream<T>) throws -> U) {
        self.body = body
        self.resultCodec = resultCodec
    }
}

/// Encodes a task's result on the executor and decodes it on the driver.
public struct ResultCodec<U>: Sendable {
    @usableFromInline let encode: @Sendable (U) throws -> [UInt8]
    @usableFromInline let decode: @Sendable ([UInt8]) throws -> U

    @inlinable
    init(encode: @escaping @Sendable (U) throws -> [UInt8], decode: @escaping @Sendable ([UInt8]) throws -> U) {
        self.encode = encode
        self.decode = decode
    }

    /// For results that never leave the process (local mode only).
    @inlinable
    static func notSerializable(_ what: String) -> ResultCodec<U> {
        ResultCodec(encode: { _ in throw ShippingError.corrupt("\(what) cannot be sent to the driver") },
                    decode: { _ in throw ShippingError.corrupt("\(what) cannot be read on the driver") })
    }
}

extension ResultCodec where U: Codable & SendableMetatype {
    /// A Codable result, in the engine's binary coding.
    @inlinable
    static var codable: ResultCodec<U> {
        ResultCodec(encode: { try BinaryEncoder().encode($0) }, decode: { try BinaryDecoder().decode(U.self, from: $0) })
    }
}

extension ResultCodec where U == Void {
    /// No result.
    @inlinable
    static var void: ResultCodec<Void> { ResultCodec(encode: { _ in [] }, decode: { _ in () }) }
}

extension ResultCodec {
    /// Records of type `E` (Codable, or pairs of Codable values; found at run time), wrapped as `U`.
    @inlinable
    static func records<E>(_: E.Type, wrap: @escaping @Sendable ([E]) -> U, unwrap: @escaping @Sendable (U) -> [E]) -> ResultCodec<U> {
        guard let serializer = PersistSerializers.dynamic(E.self) else {
            return .notSerializable("a result of \(E.self) records (not Codable)")
        }
        let box = Unchecked(serializer)
        return ResultCodec(encode: { try box.value.encode(unwrap($0)) }, decode: { wrap(try box.value.decode($0)) })
    }
}

/// Runs a result task without knowing T and U statically.
protocol ResultTaskRunning {
    func runResultTask(rdd: any LineageNode, partition: Int, context: TaskContext) throws -> TaskResultValue
    func runEncodedResultTask(rdd: any LineageNode, partition: Int, context: TaskContext) throws -> [UInt8]
    func decodeResult(_ bytes: [UInt8]) throws -> Any
}

extension ResultFunction: ResultTaskRunning {
    func runResultTask(rdd: any LineageNode, partition: Int, context: TaskContext) throws -> TaskResultValue {
        guard let typed = rdd as? RDD<T> else {
            throw TaskBinaryError.mismatch("result stage RDD \(rdd.debugName) does not produce \(T.self)")
        }
        let value = try body(context, try typed.iterator(partition, context))
        return TaskResultValue(value)
    }

    /// Runs the task and encodes its result for the driver.
    func runEncodedResultTask(rdd: any LineageNode, partition: Int, context: TaskContext) throws -> [UInt8] {
        guard let typed = rdd as? RDD<T> else {
            throw TaskBinaryError.mismatch("result stage RDD \(rdd.debugName) does not produce \(T.self)")
        }
        return try resultCodec.encode(try body(context, try typed.iterator(partition, context)))
    }

    func decodeResult(_ bytes: [UInt8]) throws -> Any { try resultCodec.decode(bytes) }
}

/// Runs a shuffle map task without knowing the key and value types statically.
protocol ShuffleMapRunning {
    func runMapTask(partition: Int, context: TaskContext) throws -> MapStatus
}

/// A task binary that cannot be decoded.
enum TaskBinaryError: Error, CustomStringConvertible {
    case mismatch(String)
    case unknown(String)
    var description: String {
        switch self {
        case .mismatch(let s): return "task binary mismatch: \(s)"
        case .unknown(let s): return "unknown task binary: \(s)"
        }
    }
}
