import Storage

/// The layout of one broadcast value in blocks, as Spark's TorrentBroadcast:
/// the value's bytes are cut into pieces of `pieceSize`, each optionally
/// LZ4-compressed and checksummed, stored as `broadcast_<id>_piece<n>`;
/// a metadata block (``metadataBlockId(_:)``) records what a reader needs to
/// verify them.
public struct TorrentBroadcast: Sendable, Equatable, BinaryRecord {
    /// Length of the whole value in bytes.
    public let totalLength: Int
    /// Raw bytes per piece (the last may be shorter).
    public let pieceSize: Int
    /// Whether pieces are LZ4-compressed.
    public let compressed: Bool
    /// Number of pieces.
    public let pieceCount: Int
    /// Adler-32 of each stored (compressed) piece; empty when written without checksums
    /// (`engine.broadcast.checksum=false`).
    public let checksums: [UInt32]

    /// The metadata block of broadcast `id` (stored as piece -1).
    public static func metadataBlockId(_ id: Int) -> BlockId { .broadcastPiece(id: id, piece: -1) }

    /// Cuts `bytes` into stored pieces; returns the metadata and the pieces.
    public static func writeBlocks(_ bytes: [UInt8], pieceSize: Int, compress: Bool, checksum: Bool = true)
        -> (TorrentBroadcast, [[UInt8]])
    {
        // The BroadcastManager's piece size, checked there (and by EngineConf) to be at least 1.
        precondition(pieceSize > 0, "broadcast piece size must be positive")
        var pieces: [[UInt8]] = []
        var sums: [UInt32] = []
        bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let n = min(pieceSize, all.count - offset)
                let raw = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + n)])
                var piece: [UInt8] = []
                if compress {
                    LZ4BlockCodec.compress(raw, into: &piece, blockSize: min(pieceSize, LZ4BlockCodec.maxBlockSize))
                } else {
                    piece = [UInt8](raw)
                }
                if checksum { sums.append(piece.withUnsafeBytes { Checksum.adler32($0) }) }
                pieces.append(piece)
                offset += n
            }
        }
        return (TorrentBroadcast(totalLength: bytes.count, pieceSize: pieceSize, compressed: compress,
                                 pieceCount: pieces.count, checksums: sums), pieces)
    }

    /// Checks that the fields agree with one another.
    public func validate(id: Int) throws(StorageError) {
        guard totalLength >= 0, pieceSize > 0,
            pieceCount == (totalLength + pieceSize - 1) / pieceSize,
            checksums.isEmpty || checksums.count == pieceCount
        else {
            throw .corrupt("metadata of broadcast \(id) is inconsistent: \(totalLength) bytes in \(pieceCount) pieces of \(pieceSize)")
        }
    }

    /// Verifies and decodes stored piece `index`, returning its raw bytes.
    public func decodePiece(_ stored: [UInt8], id: Int, index: Int) throws(StorageError) -> [UInt8] {
        let block = BlockId.broadcastPiece(id: id, piece: index)
        if !checksums.isEmpty {
            let sum = stored.withUnsafeBytes { Checksum.adler32($0) }
            guard sum == checksums[index] else {
                throw .corrupt("\(block): checksum \(sum) does not match the recorded \(checksums[index]); the piece was damaged in storage or transit")
            }
        }
        let raw = compressed ? try LZ4BlockCodec.decompress(stored) : stored
        let expected = index == pieceCount - 1 ? totalLength - index * pieceSize : pieceSize
        guard raw.count == expected else {
            throw .corrupt("\(block): holds \(raw.count) bytes, expected \(expected)")
        }
        return raw
    }

    // BinaryRecord

    /// Writes the metadata.
    public func write(to writer: inout ByteWriter) {
        totalLength.write(to: &writer)
        pieceSize.write(to: &writer)
        compressed.write(to: &writer)
        pieceCount.write(to: &writer)
        checksums.map { UInt64($0) }.write(to: &writer)
    }

    /// Reads the metadata.
    public static func read(from reader: inout ByteReader) throws(StorageError) -> TorrentBroadcast {
        let total = try Int.read(from: &reader)
        let size = try Int.read(from: &reader)
        let compressed = try Bool.read(from: &reader)
        let count = try Int.read(from: &reader)
        let sums = try [UInt64].read(from: &reader)
        var checksums: [UInt32] = []
        checksums.reserveCapacity(sums.count)
        for s in sums {
            guard let c = UInt32(exactly: s) else { throw .corrupt("broadcast checksum \(s) exceeds 32 bits") }
            checksums.append(c)
        }
        return TorrentBroadcast(totalLength: total, pieceSize: size, compressed: compressed, pieceCount: count,
                                checksums: checksums)
    }

    /// Creates metadata from its fields.
    public init(totalLength: Int, pieceSize: Int, compressed: Bool, pieceCount: Int, checksums: [UInt32]) {
        self.totalLength = totalLength
        self.pieceSize = pieceSize
        self.compressed = compressed
        self.pieceCount = pieceCount
        self.checksums = checksums
    }
}
