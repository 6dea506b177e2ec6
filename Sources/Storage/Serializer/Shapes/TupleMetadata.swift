/// What the Swift runtime's type metadata says about a tuple type: its element
/// types, read from the metadata record every type has (kind `Tuple`, element count, labels,
/// then one (type, offset) pair per element), the layout the Swift ABI fixes.
///
/// Only types whose metadata kind word says `Tuple` are read further. ``ShapeCodecs`` checks
/// what it finds against the tuple type the elements make again, so a misread cannot go unseen.
enum TupleMetadata {
    /// The metadata kind of tuples: 1 | MetadataKindIsRuntimePrivate | MetadataKindIsNonHeap.
    static let tupleKind: UInt = 0x301

    /// The element types of `type` when it is a tuple type, else nil.
    static func elements(of type: Any.Type) -> [Any.Type]? {
        let word = MemoryLayout<Int>.size
        let metadata = unsafeBitCast(type, to: UnsafeRawPointer.self)
        guard metadata.load(as: UInt.self) == tupleKind else { return nil }
        let count = metadata.load(fromByteOffset: word, as: Int.self)
        guard count >= 0, count <= 1 << 16 else { return nil }
        // Each element is (type, offset); only the type is read (the offset is not always filled in).
        return (0..<count).map { i in (metadata + 3 * word + i * 2 * word).load(as: Any.Type.self) }
    }

    /// True when `A` and `B` are tuple types of the same element types in the same order (they
    /// may differ in labels only) and of the same size and alignment, so a value of one is laid
    /// out as a value of the other.
    static func sameLayout<A, B>(_: A.Type, _: B.Type) -> Bool {
        guard let x = elements(of: A.self), let y = elements(of: B.self), x.count == y.count else { return false }
        return zip(x, y).allSatisfy { $0 == $1 }
            && MemoryLayout<A>.size == MemoryLayout<B>.size && MemoryLayout<A>.stride == MemoryLayout<B>.stride
            && MemoryLayout<A>.alignment == MemoryLayout<B>.alignment
    }
}
