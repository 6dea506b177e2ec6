import Storage
import Synchronization

/// Creates, reads and removes broadcast values, stored as ``TorrentBroadcast``
/// pieces in a ``BlockManager``.
///
/// A reader takes each block from the local block manager first, then from
/// the ``BroadcastPieceSource``s in order; a piece fetched from a source is
/// verified and then stored locally, so this node can serve it to others.
public final class BroadcastManager: Sendable {
    /// Where pieces are stored.
    public let blockManager: BlockManager
    /// Raw bytes per piece.
    public let pieceSize: Int
    /// Whether pieces are LZ4-compressed.
    public let compress: Bool
    /// Remote sources, asked in order for blocks not held locally.
    public let sources: [any BroadcastPieceSource]
    private let nextId: Atomic<Int>

    /// Creates a manager storing into `blockManager`.
    public init(blockManager: BlockManager, pieceSize: Int = 4 << 20, compress: Bool = true,
                sources: [any BroadcastPieceSource] = [], firstId: Int = 0) {
        precondition(pieceSize > 0, "broadcast piece size must be positive")
        self.blockManager = blockManager
        self.pieceSize = pieceSize
        self.compress = compress
        self.sources = sources
        nextId = Atomic(firstId)
    }

    /// Stores `bytes` as a new broadcast and returns its handle.
    public func newBroadcast(bytes: [UInt8]) throws(StorageError) -> BroadcastHandle {
        let id = nextId.wrappingAdd(1, ordering: .relaxed).oldValue
        let (meta, pieces) = TorrentBroadcast.writeBlocks(bytes, pieceSize: pieceSize, compress: compress)
        for (i, piece) in pieces.enumerated() {
            try blockManager.putBytes(.broadcastPiece(id: id, piece: i), piece)
        }
        var w = ByteWriter()
        meta.write(to: &w)
        try blockManager.putBytes(TorrentBroadcast.metadataBlockId(id), w.bytes)
        return BroadcastHandle(id: id)
    }

    /// Block `id` from local storage, else from the first source that has it
    /// (not yet re-registered locally: the caller verifies it first).
    private func fetch(_ id: BlockId) throws(StorageError) -> (bytes: [UInt8], remote: Bool) {
        if let local = blockManager.getBytes(id) { return (local, false) }
        for source in sources {
            if let bytes = try source.fetchBlock(id) { return (bytes, true) }
        }
        throw .blockNotFound("\(id) (neither local nor at any of \(sources.count) sources)")
    }

    /// The metadata of broadcast `handle`.
    public func metadata(_ handle: BroadcastHandle) throws(StorageError) -> TorrentBroadcast {
        let metaId = TorrentBroadcast.metadataBlockId(handle.id)
        let (bytes, remote) = try fetch(metaId)
        var reader = ByteReader(bytes)
        let meta = try TorrentBroadcast.read(from: &reader)
        guard reader.isAtEnd else { throw .corrupt("\(metaId): \(reader.remaining) trailing bytes") }
        try meta.validate(id: handle.id)
        if remote { try blockManager.putBytes(metaId, bytes) }
        return meta
    }

    /// The bytes of broadcast `handle`: pieces fetched in random order, each
    /// verified against its checksum, decompressed and put in place.
    public func readBytes(_ handle: BroadcastHandle) throws(StorageError) -> [UInt8] {
        let meta = try metadata(handle)
        var out = [UInt8](repeating: 0, count: meta.totalLength)
        for index in (0..<meta.pieceCount).shuffled() {
            let pieceId = BlockId.broadcastPiece(id: handle.id, piece: index)
            let (stored, remote) = try fetch(pieceId)
            let raw = try meta.decodePiece(stored, id: handle.id, index: index)
            let start = index * meta.pieceSize
            out.withUnsafeMutableBytes { o in
                raw.withUnsafeBytes { r in (o.baseAddress! + start).copyMemory(from: r.baseAddress!, byteCount: r.count) }
            }
            if remote { try blockManager.putBytes(pieceId, stored) }
        }
        return out
    }

    private let removalListener = Mutex<(@Sendable (BroadcastHandle) -> Void)?>(nil)

    /// Sets what ``unbroadcast(_:)`` also calls: on a cluster driver, telling every executor
    /// to drop its copy.
    public func setRemovalListener(_ listener: @escaping @Sendable (BroadcastHandle) -> Void) {
        removalListener.withLock { $0 = listener }
    }

    /// Removes the pieces and metadata of `handle` from the local block manager (and, through
    /// the removal listener, from the executors that fetched them).
    public func unbroadcast(_ handle: BroadcastHandle) {
        removalListener.withLock { $0 }?(handle)
        removeLocalCopy(handle)
    }

    /// Removes the pieces and metadata of `handle` from the local block manager only.
    public func removeLocalCopy(_ handle: BroadcastHandle) {
        let metaId = TorrentBroadcast.metadataBlockId(handle.id)
        if let bytes = blockManager.getBytes(metaId) {
            var reader = ByteReader(bytes)
            if let meta = try? TorrentBroadcast.read(from: &reader) {
                for i in 0..<meta.pieceCount { blockManager.removeBlock(.broadcastPiece(id: handle.id, piece: i)) }
                blockManager.removeBlock(metaId)
                return
            }
        }
        // No readable metadata: remove pieces until one is missing.
        var i = 0
        while blockManager.getBytes(.broadcastPiece(id: handle.id, piece: i)) != nil {
            blockManager.removeBlock(.broadcastPiece(id: handle.id, piece: i))
            i += 1
        }
        blockManager.removeBlock(metaId)
    }
}
