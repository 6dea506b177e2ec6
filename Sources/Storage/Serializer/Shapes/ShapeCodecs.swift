import Synchronization

/// The codec of any record type the engine can serialize, built from the type alone: a
/// `Codable` type, or a tuple of 2 to 6 elements, an optional or an array whose parts are such
/// types, nested to any depth (`(K, (V, W?))`, `(K, ([V], [W]))`, `[(K, V)]`, `((K, V), Int)`).
///
/// The codec is exact: it is composed from the parts' codecs when it is built (once per type,
/// then cached), so writing and reading a record costs what a codec written by hand for that
/// type costs, and no type names travel with the data: the reader derives the same codec from
/// the same type. Common leaf types (`Int`, `String`, `ByteString`, `Double`, …) and common
/// pairs use codecs specialized for them.
///
/// A tuple's element types come from the runtime's tuple metadata; a labeled tuple is written as
/// the unlabeled tuple of the same elements.
public enum ShapeCodecs {
    private static let cache = Mutex<[ObjectIdentifier: any Sendable]>([:])

    /// The codec of `T`, or ``StorageError/notSerializable(_:)`` naming the part that is
    /// neither `Codable` nor a tuple, optional or array of serializable parts.
    public static func codec<T>(for type: T.Type) throws(StorageError) -> ElementCodec<T> {
        let key = ObjectIdentifier(T.self)
        if let known = cache.withLock({ $0[key] }) {
            if let codec = known as? ElementCodec<T> { return codec }
            if let error = known as? StorageError { throw error }
        }
        do {
            let codec = try node(T.self).codec
            cache.withLock { $0[key] = codec }
            return codec
        } catch {
            let failure = StorageError.notSerializable("records of type \(T.self) cannot be serialized: \(error.reason); "
                                                       + "make that type Codable")
            cache.withLock { $0[key] = failure }
            throw failure
        }
    }

    /// Why a part cannot be serialized (before it is placed in the whole type's message).
    struct PartError: Error {
        let reason: String
    }

    /// The node of `X`.
    static func node<X>(_: X.Type) throws(PartError) -> Shaped<X> {
        if let fast = fastNode(X.self) { return fast }
        if let elements = TupleMetadata.elements(of: X.self) {
            guard (2...6).contains(elements.count) else {
                throw PartError(reason: "\(X.self) is a tuple of \(elements.count) elements (2 to 6 travel)")
            }
            var parts: [any ShapeNode] = []
            for e in elements { parts.append(try anyNode(e)) }
            return try retyped(tuple(parts), as: X.self)
        }
        if let c = X.self as? any (Codable & SendableMetatype).Type { return try codableNode(c, as: X.self) }
        if let o = X.self as? any OptionalShape.Type {
            return try retyped(optionalNode(try anyNode(o.wrappedType)), as: X.self)
        }
        if let a = X.self as? any ArrayShape.Type {
            return try retyped(arrayNode(try anyNode(a.elementType)), as: X.self)
        }
        throw PartError(reason: "\(X.self) is neither Codable nor a tuple, optional or array of such values")
    }

    /// The node of a type known only at run time.
    static func anyNode(_ type: Any.Type) throws(PartError) -> any ShapeNode {
        func open<Y>(_: Y.Type) throws -> any ShapeNode { try node(Y.self) }
        do {
            return try _openExistential(type, do: open)
        } catch let e as PartError {
            throw e
        } catch {
            throw PartError(reason: "\(error)")
        }
    }

    /// `node` as a node of `X`: the same type, or a labeled tuple type laid out as `node`'s unlabeled one.
    static func retyped<N: ShapeNode, X>(_ node: N, as _: X.Type) throws(PartError) -> Shaped<X> {
        if let same = node as Any as? Shaped<X> { return same }
        guard TupleMetadata.sameLayout(N.Value.self, X.self) else {
            throw PartError(reason: "the codec built for \(X.self) is one of \(N.Value.self)")
        }
        // Same elements at the same offsets: a value of one type is a value of the other, and
        // ElementCodec holds only functions of its value, so the codec fits as it is.
        return Shaped(codec: unsafeBitCast(node.codec, to: ElementCodec<X>.self), minimumSize: node.minimumSize)
    }

    static func codableNode<C: Codable & SendableMetatype, X>(_: C.Type, as _: X.Type) throws(PartError) -> Shaped<X> {
        try retyped(Shaped<C>(codec: .codable, minimumSize: 0), as: X.self)
    }

    static func optionalNode<W: ShapeNode>(_ wrapped: W) -> any ShapeNode {
        Shaped(codec: ElementCodecs.optional(wrapped.codec), minimumSize: 1)
    }

    static func arrayNode<E: ShapeNode>(_ element: E) -> any ShapeNode {
        Shaped(codec: ElementCodecs.array(element.codec, minimumSize: element.minimumSize), minimumSize: 1)
    }

    /// The tuple of `parts` (2 to 6 of them), each part's type opened in turn.
    static func tuple(_ p: [any ShapeNode]) -> any ShapeNode {
        switch p.count {
        case 2: return tuple2(p[0], p[1])
        case 3: return tuple3(p[0], p[1], p[2])
        case 4: return tuple4(p[0], p[1], p[2], p[3])
        case 5: return tuple5(p[0], p[1], p[2], p[3], p[4])
        default: return tuple6(p[0], p[1], p[2], p[3], p[4], p[5])
        }
    }

    static func tuple2<A: ShapeNode, B: ShapeNode>(_ a: A, _ b: B) -> any ShapeNode {
        Shaped(codec: ElementCodecs.tuple(a.codec, b.codec), minimumSize: a.minimumSize + b.minimumSize)
    }

    static func tuple3<A: ShapeNode, B: ShapeNode, C: ShapeNode>(_ a: A, _ b: B, _ c: C) -> any ShapeNode {
        Shaped(codec: ElementCodecs.tuple(a.codec, b.codec, c.codec),
               minimumSize: a.minimumSize + b.minimumSize + c.minimumSize)
    }

    static func tuple4<A: ShapeNode, B: ShapeNode, C: ShapeNode, D: ShapeNode>(_ a: A, _ b: B, _ c: C,
                                                                             _ d: D) -> any ShapeNode {
        Shaped(codec: ElementCodecs.tuple(a.codec, b.codec, c.codec, d.codec),
               minimumSize: a.minimumSize + b.minimumSize + c.minimumSize + d.minimumSize)
    }

    static func tuple5<A: ShapeNode, B: ShapeNode, C: ShapeNode, D: ShapeNode, E: ShapeNode>(
        _ a: A, _ b: B, _ c: C, _ d: D, _ e: E
    ) -> any ShapeNode {
        Shaped(codec: ElementCodecs.tuple(a.codec, b.codec, c.codec, d.codec, e.codec),
               minimumSize: a.minimumSize + b.minimumSize + c.minimumSize + d.minimumSize + e.minimumSize)
    }

    static func tuple6<A: ShapeNode, B: ShapeNode, C: ShapeNode, D: ShapeNode, E: ShapeNode, F: ShapeNode>(
        _ a: A, _ b: B, _ c: C, _ d: D, _ e: E, _ f: F
    ) -> any ShapeNode {
        Shaped(codec: ElementCodecs.tuple(a.codec, b.codec, c.codec, d.codec, e.codec, f.codec),
               minimumSize: a.minimumSize + b.minimumSize + c.minimumSize + d.minimumSize + e.minimumSize + f.minimumSize)
    }
}

extension ElementCodec {
    /// The codec of `T` from its shape (see ``ShapeCodecs``): `Codable`, or tuples, optionals
    /// and arrays of serializable parts.
    /// - Throws: ``StorageError/notSerializable(_:)`` naming the part that cannot be serialized.
    public static func shaped() throws(StorageError) -> ElementCodec<T> { try ShapeCodecs.codec(for: T.self) }
}
