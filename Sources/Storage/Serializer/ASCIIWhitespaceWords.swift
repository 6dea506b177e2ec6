/// The words of a byte string: maximal runs of bytes that are not ASCII
/// whitespace (space, tab, LF, VT, FF, CR). Never yields an empty word.
///
/// Words of up to 15 bytes are built inline, so iterating allocates nothing
/// for them.
public struct ASCIIWhitespaceWords: Sequence {
    @usableFromInline
    enum Base {
        case string(ByteString)
        case raw(UnsafeRawBufferPointer)
    }

    @usableFromInline let base: Base

    /// The words of `string`.
    @inlinable
    public init(_ string: ByteString) { base = .string(string) }

    /// The words of `raw`, which must stay valid while the sequence is iterated.
    @inlinable
    public init(unsafeRaw raw: UnsafeRawBufferPointer) { base = .raw(raw) }

    /// True for the six ASCII whitespace bytes: 0x09–0x0D and 0x20.
    @inlinable
    public static func isWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || (b &- 0x09) < 5
    }

    /// Finds the next word in `buf` at or after `position`, and moves `position` past it.
    @inlinable
    public static func nextWord(in buf: UnsafeRawBufferPointer, position: inout Int) -> ByteString? {
        var i = position
        let n = buf.count
        while i < n && isWhitespace(buf[i]) { i += 1 }
        if i == n {
            position = n
            return nil
        }
        let start = i
        while i < n && !isWhitespace(buf[i]) { i += 1 }
        position = i
        return ByteString(UnsafeRawBufferPointer(rebasing: buf[start..<i]))
    }

    /// Walks the words one at a time.
    public struct Iterator: IteratorProtocol {
        @usableFromInline let base: Base
        @usableFromInline var position = 0

        @inlinable
        init(base: Base) { self.base = base }

        /// The next word, or nil after the last.
        @inlinable
        public mutating func next() -> ByteString? {
            switch base {
            case .raw(let raw):
                return ASCIIWhitespaceWords.nextWord(in: raw, position: &position)
            case .string(let s):
                var p = position
                let word = s.withUnsafeBytes { ASCIIWhitespaceWords.nextWord(in: $0, position: &p) }
                position = p
                return word
            }
        }
    }

    /// An iterator from the first word.
    @inlinable
    public func makeIterator() -> Iterator { Iterator(base: base) }
}
