import Runtime
import Scheduler
import Storage

/// The function of a result stage: applied to each partition's stream on a task thread.
@usableFromInline
final class ResultFunction<T, U>: JobFunction, @unchecked Sendable {
    // Unchecked: the closure is @Sendable and never changes.
    @usableFromInline let body: @Sendable (TaskContext, PartitionStream<T>) throws -> U
    /// How a result travels from an executor in another process back to the driver: in a
    /// ``SerializedFrame`` of kind `taskResult`.
    @usableFromInline let resultCodec: ElementCodec<U>
    /// The action call that made this function, so it can be rebuilt in another process.
    public let origin = OriginBox()

    @inlinable
    init(_ resultCodec: ElementCodec<U>, _ body: @escaping @Sendable (TaskContext, PartitionStream<T>) throws -> U) {
        self.body = body
        self.resultCodec = resultCodec
    }

    /// A result encoded on an executor (by ``runEncodedResultTask(rdd:partition:context:)``), decoded on the driver.
    func decodeEncodedResult(_ bytes: [UInt8]) throws -> U { try resultCodec.decode(bytes, framedAs: .taskResult) }
}

// The result codecs of actions, beside ElementCodec's `codable`.
extension ElementCodec {
    /// For results that never leave the process (local mode only).
    @inlinable
    static func notSerializable(_ what: String) -> ElementCodec<T> {
        .unavailable("\(what): its result cannot be sent to the driver")
    }

    /// Records of type `E` (Codable, or pairs of Codable values; found at run time), wrapped as
    /// `T`: one chunk of `E`s in their block form, length-prefixed.
    @inlinable
    static func records<E>(_: E.Type, wrap: @escaping @Sendable ([E]) -> T, unwrap: @escaping @Sendable (T) -> [E]) -> ElementCodec<T> {
        guard let serializer = PersistSerializers.dynamic(E.self) else {
            return .notSerializable("a result of \(E.self) records (not Codable)")
        }
        let box = Unchecked(serializer)
        return ElementCodec(write: { value, w in
            try box.value.encode(unwrap(value)).withUnsafeBytes { w.writeLengthPrefixed($0) }
        }, read: { r in wrap(try box.value.decode(Array(try r.readLengthPrefixed()))) })
    }
}

extension ElementCodec where T == Void {
    /// No result: nothing written, nothing read.
    @inlinable
    static var void: ElementCodec<Void> { ElementCodec(write: { _, _ in }, read: { _ in () }) }
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
        return try resultCodec.encode(try body(context, try typed.iterator(partition, context)), framedAs: .taskResult)
    }

}
