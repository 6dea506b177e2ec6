/// Codecs of composite values built from the codecs of their parts: tuples of 2 to 6 elements,
/// optionals and arrays. Operators whose output type is known statically compose them with
/// ``ElementCodec/codable`` leaves; ``ShapeCodecs`` composes them at run time from a type alone.
///
/// Tuples are written element after element, an optional as a tag byte (0 for nil, 1 for a
/// value) and then its value, an array as a varint count and then its elements. Every read
/// checks what it reads and throws ``StorageError/corrupt(_:)`` on damaged or cut input.
public enum ElementCodecs {
    /// `(A, B)`, field after field.
    @inlinable
    public static func tuple<A, B>(_ a: ElementCodec<A>, _ b: ElementCodec<B>) -> ElementCodec<(A, B)> {
        ElementCodec(write: { v, w in
            try a.write(v.0, &w)
            try b.write(v.1, &w)
        }, read: { r in
            let x = try a.read(&r)
            return (x, try b.read(&r))
        })
    }

    /// `(A, B, C)`, field after field.
    @inlinable
    public static func tuple<A, B, C>(_ a: ElementCodec<A>, _ b: ElementCodec<B>,
                                      _ c: ElementCodec<C>) -> ElementCodec<(A, B, C)> {
        ElementCodec(write: { v, w in
            try a.write(v.0, &w)
            try b.write(v.1, &w)
            try c.write(v.2, &w)
        }, read: { r in
            let x = try a.read(&r), y = try b.read(&r)
            return (x, y, try c.read(&r))
        })
    }

    /// `(A, B, C, D)`, field after field.
    @inlinable
    public static func tuple<A, B, C, D>(_ a: ElementCodec<A>, _ b: ElementCodec<B>, _ c: ElementCodec<C>,
                                         _ d: ElementCodec<D>) -> ElementCodec<(A, B, C, D)> {
        ElementCodec(write: { v, w in
            try a.write(v.0, &w)
            try b.write(v.1, &w)
            try c.write(v.2, &w)
            try d.write(v.3, &w)
        }, read: { r in
            let x = try a.read(&r), y = try b.read(&r), z = try c.read(&r)
            return (x, y, z, try d.read(&r))
        })
    }

    /// `(A, B, C, D, E)`, field after field.
    @inlinable
    public static func tuple<A, B, C, D, E>(_ a: ElementCodec<A>, _ b: ElementCodec<B>, _ c: ElementCodec<C>,
                                            _ d: ElementCodec<D>, _ e: ElementCodec<E>) -> ElementCodec<(A, B, C, D, E)> {
        ElementCodec(write: { v, w in
            try a.write(v.0, &w)
            try b.write(v.1, &w)
            try c.write(v.2, &w)
            try d.write(v.3, &w)
            try e.write(v.4, &w)
        }, read: { r in
            let x = try a.read(&r), y = try b.read(&r), z = try c.read(&r), u = try d.read(&r)
            return (x, y, z, u, try e.read(&r))
        })
    }

    /// `(A, B, C, D, E, F)`, field after field.
    @inlinable
    public static func tuple<A, B, C, D, E, F>(_ a: ElementCodec<A>, _ b: ElementCodec<B>, _ c: ElementCodec<C>,
                                               _ d: ElementCodec<D>, _ e: ElementCodec<E>,
                                               _ f: ElementCodec<F>) -> ElementCodec<(A, B, C, D, E, F)> {
        ElementCodec(write: { v, w in
            try a.write(v.0, &w)
            try b.write(v.1, &w)
            try c.write(v.2, &w)
            try d.write(v.3, &w)
            try e.write(v.4, &w)
            try f.write(v.5, &w)
        }, read: { r in
            let x = try a.read(&r), y = try b.read(&r), z = try c.read(&r), u = try d.read(&r), t = try e.read(&r)
            return (x, y, z, u, t, try f.read(&r))
        })
    }

    /// `W?`: a tag byte (0 for nil, 1 for a value), then the value if there is one.
    @inlinable
    public static func optional<W>(_ wrapped: ElementCodec<W>) -> ElementCodec<W?> {
        ElementCodec(write: { v, w in
            if let x = v {
                w.write(1)
                try wrapped.write(x, &w)
            } else {
                w.write(0)
            }
        }, read: { r in
            switch try r.readByte() {
            case 0: return nil
            case 1: return try wrapped.read(&r)
            case let b: throw StorageError.corrupt("byte \(b) is not an Optional tag (0 or 1)")
            }
        })
    }

    /// `[E]`: a varint count, then the elements. `minimumSize` is the fewest bytes one element
    /// takes: a count that cannot fit in the bytes left is refused before anything is allocated
    /// (elements that may take no bytes at all are allowed at most ``maximumEmptyElements``).
    @inlinable
    public static func array<E>(_ element: ElementCodec<E>, minimumSize: Int) -> ElementCodec<[E]> {
        ElementCodec(write: { v, w in
            w.writeVarInt(UInt64(v.count))
            for x in v { try element.write(x, &w) }
        }, read: { r in
            let n = try r.readVarInt()
            let limit = minimumSize > 0 ? UInt64(r.remaining / minimumSize) : UInt64(r.remaining) + maximumEmptyElements
            guard n <= limit else {
                throw StorageError.corrupt("array of \(n) elements but only \(r.remaining) bytes left")
            }
            var out: [E] = []
            out.reserveCapacity(Swift.min(Int(n), r.remaining + 1))
            for _ in 0..<Int(n) { out.append(try element.read(&r)) }
            return out
        })
    }

    /// The most elements an array of elements that may encode to no bytes can announce beyond the bytes left.
    public static let maximumEmptyElements: UInt64 = 1 << 20
}
