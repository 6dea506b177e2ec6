import Storage

/// Turns a stored shuffle segment back into record bytes.
public enum ShuffleSegmentCodec {
    /// The raw record bytes of `segment`: decompressed (it is a concatenation
    /// of ``LZ4BlockCodec`` streams) when `compressed`, else as stored.
    public static func decode(_ segment: [UInt8], compressed: Bool) throws(StorageError) -> [UInt8] {
        compressed ? try LZ4BlockCodec.decompress(segment) : segment
    }
}
