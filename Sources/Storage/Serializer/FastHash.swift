/// Cheap, well-mixed hashes for the engine's own hash tables (aggregation, joins), where
/// Swift's seeded SipHash costs more than the whole table lookup. Not for tables exposed
/// to untrusted keys: there is no seed, so collisions can be forced.
public enum FastHash {
    /// Mixes a 64-bit value (the murmur3 finalizer).
    @inlinable
    public static func mix(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// Hashes bytes eight at a time.
    @inlinable
    public static func bytes(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
        var i = 0
        while i + 8 <= raw.count {
            h = mix(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < raw.count {
            tail |= UInt64(raw[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h ^ tail)
    }

    /// The hash of a string, equal for strings Swift calls equal: canonically equivalent
    /// strings (`"\u{E9}"` and `"e\u{301}"`, `"K"` and the Kelvin sign `"\u{212A}"`) hash
    /// alike, as `==` and `hashValue` treat them. An ASCII string hashes its bytes (ASCII text
    /// is already in normal form); any other hashes the bytes of its NFC form.
    @inlinable
    public static func string(_ s: String) -> UInt64 {
        var s = s
        if let h = s.withUTF8({ asciiBytes(UnsafeRawBufferPointer($0)) }) { return h }
        return nonASCIIString(s)
    }

    /// ``bytes(_:)`` of `raw` when every byte is ASCII, else nil.
    @inlinable
    static func asciiBytes(_ raw: UnsafeRawBufferPointer) -> UInt64? {
        var seen: UInt64 = 0
        var i = 0
        while i + 8 <= raw.count {
            seen |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < raw.count {
            seen |= UInt64(raw[i])
            i += 1
        }
        return seen & 0x8080_8080_8080_8080 == 0 ? bytes(raw) : nil
    }

    /// The engine's hash of a key: fast paths for ByteString and integers, else `hashValue`.
    /// In code specialized for `K` the type tests fold away and the hash is inlined.
    @inlinable
    public static func hash<K: Hashable>(_ key: K) -> UInt64 {
        // Each `as!` follows its `K.self ==` test, so it cannot fail whatever the key.
        if K.self == ByteString.self { return (key as! ByteString).fastHash }
        if K.self == Int.self { return mix(UInt64(bitPattern: Int64(key as! Int))) }
        if K.self == UInt64.self { return mix(key as! UInt64) }
        if K.self == Int32.self { return mix(UInt64(bitPattern: Int64(key as! Int32))) }
        if K.self == String.self { return string(key as! String) }
        return UInt64(bitPattern: Int64(key.hashValue))
    }
}

extension ByteString {
    /// A fast unseeded hash of the bytes (see ``FastHash``); equal strings hash equally.
    @inlinable
    public var fastHash: UInt64 {
        switch repr {
        case .small(let w0, let w1): return FastHash.mix(w0 ^ FastHash.mix(w1 ^ 0x2545_F491_4F6C_DD1D))
        case .large(let a): return a.withUnsafeBytes { FastHash.bytes($0) }
        }
    }
}
