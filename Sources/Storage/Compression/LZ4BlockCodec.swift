import CLZ4

/// A self-describing stream of LZ4-compressed blocks.
///
/// Each block is a 13-byte header then its data:
///
/// | bytes | field |
/// |---|---|
/// | 1 | magic: `0xB4` compressed, `0xB5` stored raw (did not shrink) |
/// | 4 | raw length (little-endian) |
/// | 4 | stored length (little-endian) |
/// | 4 | ``Checksum/adler32(_:seed:)`` of the raw bytes |
///
/// Streams concatenate: two compressed streams appended decompress to the
/// two inputs appended. Decompression checks every length against the bytes
/// present and against ``maxBlockSize``, and every checksum.
public enum LZ4BlockCodec {
    /// Magic byte of an LZ4-compressed block.
    public static let compressedMagic: UInt8 = 0xB4
    /// Magic byte of a block stored uncompressed.
    public static let rawMagic: UInt8 = 0xB5
    /// Size of a block header.
    public static let headerSize = 13
    /// Largest raw block accepted when decompressing (64 MiB).
    public static let maxBlockSize = 64 << 20

    /// Appends the compressed form of `input` to `output`, cut in blocks of `blockSize` raw bytes.
    /// Empty input appends nothing.
    public static func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], blockSize: Int = 64 * 1024) {
        // Callers pass constants or min(piece size, maxBlockSize), and EngineConf refuses a piece size
        // below 1 byte: no configuration or data reaches this.
        precondition(blockSize > 0 && blockSize <= maxBlockSize, "LZ4 block size must be in 1...\(maxBlockSize)")
        guard input.count > 0 else { return }
        let bound = Int(LZ4_compressBound(Int32(blockSize)))
        var scratch = [UInt8](repeating: 0, count: bound)
        var offset = 0
        while offset < input.count {
            let n = Swift.min(blockSize, input.count - offset)
            let block = UnsafeRawBufferPointer(rebasing: input[offset..<(offset + n)])
            let sum = Checksum.adler32(block)
            let written = scratch.withUnsafeMutableBytes { out -> Int32 in
                LZ4_compress_default(
                    block.baseAddress!.assumingMemoryBound(to: CChar.self),
                    out.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(n), Int32(bound))
            }
            if written > 0 && Int(written) < n {
                appendHeader(&output, compressedMagic, n, Int(written), sum)
                output.append(contentsOf: scratch[0..<Int(written)])
            } else {
                appendHeader(&output, rawMagic, n, n, sum)
                output.append(contentsOf: block)
            }
            offset += n
        }
    }

    /// The compressed form of `input`.
    public static func compress(_ input: [UInt8], blockSize: Int = 64 * 1024) -> [UInt8] {
        var out = [UInt8]()
        input.withUnsafeBytes { compress($0, into: &out, blockSize: blockSize) }
        return out
    }

    @inline(__always)
    static func appendHeader(_ out: inout [UInt8], _ magic: UInt8, _ raw: Int, _ stored: Int, _ sum: UInt32) {
        out.append(magic)
        for v in [UInt32(raw), UInt32(stored), sum] {
            withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
        }
    }

    @inline(__always)
    static func readUInt32(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    /// Decompresses a stream written by ``compress(_:into:blockSize:)`` (or several, concatenated).
    public static func decompress(_ input: UnsafeRawBufferPointer) throws(StorageError) -> [UInt8] {
        var out = [UInt8]()
        var offset = 0
        var blockIndex = 0
        while offset < input.count {
            guard input.count - offset >= headerSize else {
                throw .corrupt("LZ4 stream: block \(blockIndex) at byte \(offset) has a truncated header")
            }
            let magic = input[offset]
            let rawLength = Int(readUInt32(input, offset + 1))
            let storedLength = Int(readUInt32(input, offset + 5))
            let sum = readUInt32(input, offset + 9)
            offset += headerSize
            guard magic == compressedMagic || magic == rawMagic else {
                throw .corrupt("LZ4 stream: block \(blockIndex) has bad magic byte \(magic)")
            }
            guard rawLength > 0, rawLength <= maxBlockSize else {
                throw .corrupt("LZ4 stream: block \(blockIndex) claims \(rawLength) raw bytes (allowed 1...\(maxBlockSize))")
            }
            guard storedLength <= input.count - offset else {
                throw .corrupt("LZ4 stream: block \(blockIndex) claims \(storedLength) bytes but \(input.count - offset) remain (truncated?)")
            }
            let data = UnsafeRawBufferPointer(rebasing: input[offset..<(offset + storedLength)])
            let start = out.count
            if magic == rawMagic {
                guard storedLength == rawLength else {
                    throw .corrupt("LZ4 stream: raw block \(blockIndex) has stored length \(storedLength) ≠ raw length \(rawLength)")
                }
                out.append(contentsOf: data)
            } else {
                guard storedLength > 0 else { throw .corrupt("LZ4 stream: block \(blockIndex) is empty") }
                out.append(contentsOf: repeatElement(0, count: rawLength))
                let got = out.withUnsafeMutableBytes { o -> Int32 in
                    LZ4_decompress_safe(
                        data.baseAddress!.assumingMemoryBound(to: CChar.self),
                        (o.baseAddress! + start).assumingMemoryBound(to: CChar.self),
                        Int32(storedLength), Int32(rawLength))
                }
                guard Int(got) == rawLength else {
                    throw .corrupt("LZ4 stream: block \(blockIndex) decompressed to \(got) bytes, expected \(rawLength)")
                }
            }
            let actual = out.withUnsafeBytes { Checksum.adler32(UnsafeRawBufferPointer(rebasing: $0[start...])) }
            guard actual == sum else {
                throw .corrupt("LZ4 stream: block \(blockIndex) checksum mismatch (stored \(sum), computed \(actual))")
            }
            offset += storedLength
            blockIndex += 1
        }
        return out
    }

    /// Decompresses a stream held in an array.
    public static func decompress(_ input: [UInt8]) throws(StorageError) -> [UInt8] {
        let result = input.withUnsafeBytes { p in Result { () throws(StorageError) in try decompress(p) } }
        return try result.get()
    }
}
