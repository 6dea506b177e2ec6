/// A codec built at run time for a type found by ``ShapeCodecs``, with its value type opened:
/// the composition functions take nodes as generic arguments, so each level's codec is typed.
protocol ShapeNode: Sendable {
    /// The type the codec writes and reads.
    associatedtype Value
    /// The codec.
    var codec: ElementCodec<Value> { get }
    /// The fewest bytes one value takes (0 when unknown), to refuse impossible array counts.
    var minimumSize: Int { get }
}

/// The one ``ShapeNode`` type: a codec of `V` and the fewest bytes a value takes.
struct Shaped<V>: ShapeNode {
    let codec: ElementCodec<V>
    let minimumSize: Int

    /// This node as a node of `X`, when `X` is `V`.
    func exactly<X>(_: X.Type) -> Shaped<X>? { self as Any as? Shaped<X> }
}
