/// What the Swift runtime's type metadata says about a tuple type: its element types and their
/// offsets, read from the metadata record every type has (kind `Tuple`, element count, labels,
/// then one (type, offset) pair per element), the layout the Swift ABI fixes.
///
/// Only types whose metadata kind word says `Tuple` are read further. ``ShapeCodecs`` checks
/// what it finds against the tuple type the elements make again, so a misread cannot go unseen.
enum TupleMetadata {
    /// The metadata kind of tuples: 1 | MetadataKindIsRuntimePrivate | MetadataKindIsNonHeap.
    static let tupleKind: UInt = 0x301

    /// The element types and offsets of `type` when it is a tuple type, else nil.
    static func elements(of type: Any.Type) -> [(type: Any.Type, offset: Int)]? {
        let word = MemoryLayout<Int>.size
        let metadata = unsafeBitCast(type, to: UnsafeRawPointer.self)
        guard metadata.load(as: UInt.self) == tupleKind else { return nil }
        let count = metadata.load(fromByteOffset: word, as: Int.self)
        guard count >= 0, count <= 1 << 16 else { return nil }
        var out: [(type: Any.Type, offset: Int)] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let element = metadata + 3 * word + i * 2 * word
            out.append((element.load(as: Any.Type.self), element.load(fromByteOffset: word, as: Int.self)))
        }
        return out
    }

    /// True when `a` and `b` are tuple types with the same element types at the same offsets
    /// (they may differ in labels only), so a value of one is laid out as a value of the other.
    static func sameLayout(_ a: Any.Type, _ b: Any.Type) -> Bool {
        guard let x = elements(of: a), let y = elements(of: b), x.count == y.count else { return false }
        return zip(x, y).allSatisfy { $0.type == $1.type && $0.offset == $1.offset }
    }
}
