import Runtime
import Storage

/// A named `Codable` function type: its fields are the state it needs, explicitly, so it can
/// travel to executors in other processes (Spark's serializable function objects).
/// Conform through ``MapFunction``, ``FlatMapFunction``, ``FilterFunction`` or ``ReduceFunction``.
public protocol PortableFunction: Codable, Sendable {
    /// The function as the closure type the engine's operators take.
    func shippedClosure() -> Any
}

extension PortableFunction {
    static func decodeShipped(_ bytes: [UInt8]) throws -> Self { try BinaryDecoder().decode(Self.self, from: bytes) }
}
