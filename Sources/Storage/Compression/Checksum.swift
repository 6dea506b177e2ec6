/// Checksums for stored bytes.
public enum Checksum {
    /// Adler-32 (RFC 1950) of `data`, continuing from `seed` (1 for a fresh checksum).
    ///
    /// Chosen because it is simple, fast and good enough to catch damaged
    /// blocks; it is not a defence against deliberate tampering.
    @inlinable
    public static func adler32(_ data: UnsafeRawBufferPointer, seed: UInt32 = 1) -> UInt32 {
        let mod: UInt32 = 65521
        // 5552 is the largest n with 255 n (n + 1) / 2 + (n + 1) (mod - 1) < 2^32.
        let nmax = 5552
        var a = seed & 0xffff
        var b = seed >> 16
        var i = 0
        let n = data.count
        while i < n {
            let end = Swift.min(i + nmax, n)
            while i < end {
                a &+= UInt32(data[i])
                b &+= a
                i += 1
            }
            a %= mod
            b %= mod
        }
        return (b << 16) | a
    }
}
