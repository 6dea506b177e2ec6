/// A string of bytes: text kept as raw UTF-8, any other bytes kept exactly.
///
/// Up to 15 bytes are stored inline in two words (no heap allocation): bytes 0–7
/// in `w0`, bytes 8–14 in the low seven bytes of `w1`, the count in the top byte
/// of `w1`, unused bytes zero. Longer strings live in a heap array. The
/// representation is canonical (a given content has exactly one form), so `==`
/// and hashing compare two words for small strings and the bytes for large ones.
///
/// Ordering is lexicographic by unsigned bytes, a proper prefix first.
@frozen
public struct ByteString: Sendable {
    /// Longest string stored inline.
    public static let inlineCapacity = 15

    @usableFromInline
    @frozen
    enum Repr: Sendable {
        case small(UInt64, UInt64)
        case large([UInt8])
    }

    @usableFromInline var repr: Repr

    @inlinable
    init(repr: Repr) { self.repr = repr }

    /// The empty byte string.
    @inlinable
    public init() { repr = .small(0, 0) }

    /// Copies the bytes of `raw`.
    @inlinable
    public init(_ raw: UnsafeRawBufferPointer) {
        let n = raw.count
        if n <= 15 {
            var words: (UInt64, UInt64) = (0, 0)
            if n > 0 {
                withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: raw.baseAddress!, byteCount: n) }
            }
            repr = .small(UInt64(littleEndian: words.0), UInt64(littleEndian: words.1) | (UInt64(n) << 56))
        } else {
            repr = .large([UInt8](raw))
        }
    }

    /// Copies `bytes`.
    @inlinable
    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let made = bytes.withContiguousStorageIfAvailable({ ByteString(UnsafeRawBufferPointer($0)) }) {
            self = made
        } else if bytes.count <= 15 {
            let copy = Array(bytes)
            self = copy.withUnsafeBytes { ByteString($0) }
        } else {
            repr = .large(Array(bytes))
        }
    }

    /// The UTF-8 bytes of `string`.
    @inlinable
    public init(_ string: String) {
        var s = string
        self = s.withUTF8 { ByteString(UnsafeRawBufferPointer($0)) }
    }

    /// Number of bytes.
    @inlinable
    public var count: Int {
        switch repr {
        case .small(_, let w1): return Int(truncatingIfNeeded: w1 >> 56)
        case .large(let a): return a.count
        }
    }

    /// True when there are no bytes.
    @inlinable
    public var isEmpty: Bool { count == 0 }

    /// Calls `body` with the bytes; the pointer is valid only during the call.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch repr {
        case .small(let w0, let w1):
            let n = Int(truncatingIfNeeded: w1 >> 56)
            let words = (w0.littleEndian, (w1 & 0x00ff_ffff_ffff_ffff).littleEndian)
            return try Swift.withUnsafeBytes(of: words) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        case .large(let a):
            return try a.withUnsafeBytes(body)
        }
    }

    /// The bytes, as a new array.
    @inlinable
    public var bytes: [UInt8] {
        switch repr {
        case .small: return withUnsafeBytes { [UInt8]($0) }
        case .large(let a): return a
        }
    }

    /// This string followed by `other`. (The `+` operator jobs use is declared in the Engine,
    /// which re-exports this type alone: a scoped re-export does not carry member operators.)
    @inlinable
    public func appending(_ other: ByteString) -> ByteString {
        let lhs = self, rhs = other
        let total = lhs.count + rhs.count
        if total <= 15 {
            var buffer: (UInt64, UInt64) = (0, 0)
            return Swift.withUnsafeMutableBytes(of: &buffer) { out in
                lhs.withUnsafeBytes { l in
                    rhs.withUnsafeBytes { r in
                        if l.count > 0 { out.baseAddress!.copyMemory(from: l.baseAddress!, byteCount: l.count) }
                        if r.count > 0 {
                            (out.baseAddress! + l.count).copyMemory(from: r.baseAddress!, byteCount: r.count)
                        }
                        return ByteString(UnsafeRawBufferPointer(rebasing: out[0..<total]))
                    }
                }
            }
        }
        var a = [UInt8]()
        a.reserveCapacity(total)
        lhs.withUnsafeBytes { a.append(contentsOf: $0) }
        rhs.withUnsafeBytes { a.append(contentsOf: $0) }
        return ByteString(repr: .large(a))
    }

    /// The words of this string, split on runs of ASCII whitespace.
    @inlinable
    public var words: ASCIIWhitespaceWords { ASCIIWhitespaceWords(self) }

    /// The words of `raw`, split on runs of ASCII whitespace.
    ///
    /// The sequence reads `raw` lazily: the memory must stay valid while it is iterated.
    @inlinable
    public static func splitWords(_ raw: UnsafeRawBufferPointer) -> ASCIIWhitespaceWords {
        ASCIIWhitespaceWords(unsafeRaw: raw)
    }
}

extension ByteString: Equatable {
    /// True when both hold the same bytes.
    @inlinable
    public static func == (lhs: ByteString, rhs: ByteString) -> Bool {
        switch (lhs.repr, rhs.repr) {
        case let (.small(a0, a1), .small(b0, b1)): return a0 == b0 && a1 == b1
        case let (.large(a), .large(b)): return a == b
        default: return false
        }
    }
}

extension ByteString: Hashable {
    /// Hashes the bytes. `HashPartitioner` does not use it: it hashes byte strings with
    /// `FastHash`, which is the same in every process.
    @inlinable
    public func hash(into hasher: inout Hasher) {
        switch repr {
        case .small(let w0, let w1):
            hasher.combine(w0)
            hasher.combine(w1)
        case .large(let a):
            a.withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(a.count)
        }
    }
}

extension ByteString: Comparable {
    /// Lexicographic order of unsigned bytes, a proper prefix first (as `memcmp`, then length).
    @inlinable
    public static func < (lhs: ByteString, rhs: ByteString) -> Bool {
        if case let .small(a0, a1) = lhs.repr, case let .small(b0, b1) = rhs.repr {
            // Little-endian storage: byte-swapping makes numeric order lexicographic order.
            if a0 != b0 { return a0.byteSwapped < b0.byteSwapped }
            let x = (a1 & 0x00ff_ffff_ffff_ffff).byteSwapped
            let y = (b1 & 0x00ff_ffff_ffff_ffff).byteSwapped
            if x != y { return x < y }
            return a1 >> 56 < b1 >> 56
        }
        return lhs.withUnsafeBytes { l in
            rhs.withUnsafeBytes { r in
                let n = Swift.min(l.count, r.count)
                var i = 0
                while i < n {
                    let a = l[i], b = r[i]
                    if a != b { return a < b }
                    i += 1
                }
                return l.count < r.count
            }
        }
    }
}

extension ByteString: CustomStringConvertible {
    /// The bytes decoded as UTF-8, invalid sequences replaced: for display only.
    public var description: String {
        withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}

extension ByteString: ExpressibleByStringLiteral {
    /// The UTF-8 bytes of the literal.
    @inlinable
    public init(stringLiteral value: String) { self.init(value) }
}

extension ByteString: Codable {
    /// Encodes the bytes as an array of `UInt8`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(bytes)
    }

    /// Decodes an array of `UInt8`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        self.init(try c.decode([UInt8].self))
    }
}
