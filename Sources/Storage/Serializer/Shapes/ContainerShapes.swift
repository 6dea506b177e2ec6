/// Optional types, seen without their wrapped type: ``ShapeCodecs`` learns it here.
protocol OptionalShape {
    /// The wrapped type.
    static var wrappedType: Any.Type { get }
}

extension Optional: OptionalShape {
    static var wrappedType: Any.Type { Wrapped.self }
}

/// Array types, seen without their element type: ``ShapeCodecs`` learns it here.
protocol ArrayShape {
    /// The element type.
    static var elementType: Any.Type { get }
}

extension Array: ArrayShape {
    static var elementType: Any.Type { Element.self }
}
