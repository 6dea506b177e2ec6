extension ShapeCodecs {
    /// Codecs compiled for the most common record types (leaves and pairs of them), so their
    /// records are written by specialized code; nil for any other type.
    static func fastNode<X>(_: X.Type) -> Shaped<X>? {
        func leaf<L: Codable & SendableMetatype>(_: L.Type) -> Shaped<X>? {
            Shaped<L>(codec: .codable, minimumSize: 1).exactly(X.self)
        }
        func pair<A: Codable & SendableMetatype, B: Codable & SendableMetatype>(_: A.Type, _: B.Type) -> Shaped<X>? {
            Shaped<(A, B)>(codec: .pair(A.self, B.self), minimumSize: 2).exactly(X.self)
        }
        switch ObjectIdentifier(X.self) {
        case ObjectIdentifier(Int.self): return leaf(Int.self)
        case ObjectIdentifier(String.self): return leaf(String.self)
        case ObjectIdentifier(ByteString.self): return leaf(ByteString.self)
        case ObjectIdentifier(Double.self): return leaf(Double.self)
        case ObjectIdentifier(Int64.self): return leaf(Int64.self)
        case ObjectIdentifier(Bool.self): return leaf(Bool.self)
        case ObjectIdentifier((String, Int).self): return pair(String.self, Int.self)
        case ObjectIdentifier((ByteString, Int).self): return pair(ByteString.self, Int.self)
        case ObjectIdentifier((Int, Int).self): return pair(Int.self, Int.self)
        case ObjectIdentifier((String, String).self): return pair(String.self, String.self)
        case ObjectIdentifier((Int, String).self): return pair(Int.self, String.self)
        case ObjectIdentifier((String, Double).self): return pair(String.self, Double.self)
        case ObjectIdentifier((Int, Double).self): return pair(Int.self, Double.self)
        default: return nil
        }
    }
}
