import Foundation
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
    /// Whether pieces are LZ4-compressed (`engine.broadcast.compress`).
    public let compress: Bool
    /// Whether pieces carry an Adler-32 checksum (`engine.broadcast.checksum`).
    public let checksum: Bool
    /// How values are cut into blocks (`engine.broadcast.factory`).
    public let factory: any BroadcastFactory
    /// Remote sources, asked in order for blocks not held locally.
    public let sources: [any BroadcastPieceSource]
    private let nextId: Atomic<Int>
    private let statistics = Mutex(FetchStatistics())
    private let fetchLocks = Mutex<[Int: NSLock]>([:])

    /// Creates a manager storing into `blockManager`.
    public init(blockManager: BlockManager, pieceSize: Int = 4 << 20, compress: Bool = true, checksum: Bool = true,
                factory: any BroadcastFactory = TorrentBroadcastFactory(),
                sources: [any BroadcastPieceSource] = [], firstId: Int = 0) {
        // The Engine passes engine.broadcast.blockSize, which EngineConf refuses below 1 byte.
        precondition(pieceSize > 0, "broadcast piece size must be positive")
        self.blockManager = blockManager
        self.pieceSize = pieceSize
        self.compress = compress
        self.checksum = checksum
        self.factory = factory
        self.sources = sources
        nextId = Atomic(firstId)
    }

    /// Stores `bytes` as a new broadcast (ids increase from `firstId`) and returns its handle.
    public func newBroadcast(bytes: [UInt8]) throws(StorageError) -> BroadcastHandle {
        let id = nextId.wrappingAdd(1, ordering: .relaxed).oldValue
        let (meta, pieces) = factory.blockify(bytes, pieceSize: pieceSize, compress: compress, checksum: checksum)
        for (i, piece) in pieces.enumerated() {
            try blockManager.putBytes(.broadcastPiece(id: id, piece: i), piece)
            blockManager.reportBlock(.broadcastPiece(id: id, piece: i))
        }
        var w = ByteWriter()
        meta.write(to: &w)
        try blockManager.putBytes(TorrentBroadcast.metadataBlockId(id), w.bytes)
        blockManager.reportBlock(TorrentBroadcast.metadataBlockId(id))
        return BroadcastHandle(id: id)
    }

    /// Block `id`, verified by `check`: from local storage if it holds a sound copy (a damaged
    /// local copy is dropped), else from the holders the sources name, in their order, until
    /// one gives a sound copy; that copy is stored here and reported, so this node serves it
    /// too. Throws `Failed to get <id> of broadcast_B` with what each holder answered.
    private func fetchVerified<R>(_ id: BlockId, broadcast: Int, _ check: ([UInt8]) throws(StorageError) -> R)
        throws(StorageError) -> R
    {
        if let local = blockManager.getBytes(id) {
            do {
                return try check(local)
            } catch {
                blockManager.removeBlock(id)
                if sources.isEmpty { throw error }
            }
        }
        var answers: [String] = []
        for source in sources {
            for holder in source.holders(of: id) {
                do {
                    guard let bytes = try holder.fetchBlock(id) else {
                        answers.append("\(holder.holderName): not held")
                        continue
                    }
                    let result = try check(bytes)
                    try blockManager.putBytes(id, bytes)
                    blockManager.reportBlock(id)
                    statistics.withLock { $0.record(bytes.count, from: holder.holderName) }
                    return result
                } catch {
                    answers.append("\(holder.holderName): \(error)")
                }
            }
        }
        let tried = answers.isEmpty ? "no holder known" : answers.joined(separator: "; ")
        throw .unavailable("Failed to get \(id) of broadcast_\(broadcast) (\(tried))")
    }

    /// The metadata of broadcast `handle`.
    public func metadata(_ handle: BroadcastHandle) throws(StorageError) -> TorrentBroadcast {
        let metaId = TorrentBroadcast.metadataBlockId(handle.id)
        return try fetchVerified(metaId, broadcast: handle.id) { bytes throws(StorageError) in
            var reader = ByteReader(bytes)
            let meta = try TorrentBroadcast.read(from: &reader)
            guard reader.isAtEnd else { throw .corrupt("\(metaId): \(reader.remaining) trailing bytes") }
            try meta.validate(id: handle.id)
            return meta
        }
    }

    /// The bytes of broadcast `handle`, as Spark's readBroadcastBlock: under a per-broadcast
    /// lock (concurrent tasks fetch once), pieces in random order, each from local storage or
    /// from a holder chosen at random, verified against its checksum, stored and reported
    /// here, decompressed and put in place.
    public func readBytes(_ handle: BroadcastHandle) throws(StorageError) -> [UInt8] {
        let lock = fetchLock(handle.id)
        lock.lock()
        defer { lock.unlock() }
        return try readBytesHoldingLock(handle)
    }

    private func readBytesHoldingLock(_ handle: BroadcastHandle) throws(StorageError) -> [UInt8] {
        let meta = try metadata(handle)
        var out = [UInt8](repeating: 0, count: meta.totalLength)
        for index in (0..<meta.pieceCount).shuffled() {
            let pieceId = BlockId.broadcastPiece(id: handle.id, piece: index)
            let raw = try fetchVerified(pieceId, broadcast: handle.id) { stored throws(StorageError) in
                try meta.decodePiece(stored, id: handle.id, index: index)
            }
            let start = index * meta.pieceSize
            out.withUnsafeMutableBytes { o in
                raw.withUnsafeBytes { r in (o.baseAddress! + start).copyMemory(from: r.baseAddress!, byteCount: r.count) }
            }
        }
        return out
    }

    /// The whole value of broadcast `handle`: the copy in this BlockManager (block
    /// `broadcast_B`, MEMORY_AND_DISK, not reported) once read, else read (pieces fetched as
    /// ``readBytes(_:)`` does), turned into a value by `decode` and kept, under the broadcast's
    /// lock so that concurrent tasks fetch and decode once.
    public func readValue<T>(_ handle: BroadcastHandle, serializer: BlockSerializer<T>,
                             decode: ([UInt8]) throws -> T) throws -> T {
        if let v = try keptValue(handle.id, serializer) { return v }
        let lock = fetchLock(handle.id)
        lock.lock()
        defer { lock.unlock() }
        if let v = try keptValue(handle.id, serializer) { return v }
        let value = try decode(try readBytesHoldingLock(handle))
        try keepValue(handle.id, value, serializer: serializer)
        return value
    }

    /// Keeps `value` as broadcast `id`'s whole value in this BlockManager (MEMORY_AND_DISK: on
    /// disk, through `serializer`, when memory is short); the driver keeps the values it broadcasts.
    public func keepValue<T>(_ id: Int, _ value: T, serializer: BlockSerializer<T>) throws {
        var given = false
        _ = try blockManager.putValues(.broadcast(id: id), level: .MEMORY_AND_DISK, task: BlockManager.outsideTask,
                                       chunks: { () -> [T]? in
                                           defer { given = true }
                                           return given ? nil : [value]
                                       },
                                       estimate: { SizeEstimator.estimate($0) }, serializer: serializer)
    }

    private func keptValue<T>(_ id: Int, _ serializer: BlockSerializer<T>) throws -> T? {
        let block = BlockId.broadcast(id: id)
        guard let chunks = try blockManager.getValues(block, serializer: serializer, task: BlockManager.outsideTask) else {
            return nil
        }
        blockManager.releaseLock(block, task: BlockManager.outsideTask)
        return chunks.first?.first
    }

    /// The stored size of broadcast `id`'s pieces held here (all of them on the driver).
    public func storedPieceBytes(_ id: Int) -> Int {
        var total = 0
        var i = 0
        while let piece = blockManager.getBytes(.broadcastPiece(id: id, piece: i)) {
            total += piece.count
            i += 1
        }
        return total
    }

    /// Piece bytes this node fetched from other nodes, by holder name, and how many pieces.
    public var fetchStatistics: FetchStatistics { statistics.withLock { $0 } }

    private let removalListener = Mutex<(@Sendable (BroadcastHandle) -> Void)?>(nil)

    /// Sets what ``unbroadcast(_:)`` also calls: on a cluster driver, telling every executor
    /// to drop its copy.
    public func setRemovalListener(_ listener: @escaping @Sendable (BroadcastHandle) -> Void) {
        removalListener.withLock { $0 = listener }
    }

    private func fetchLock(_ id: Int) -> NSLock {
        fetchLocks.withLock { locks in
            if let l = locks[id] { return l }
            let l = NSLock()
            locks[id] = l
            return l
        }
    }

    /// Removes the pieces and metadata of `handle` from the local block manager (and, through
    /// the removal listener, from the executors that fetched them).
    public func unbroadcast(_ handle: BroadcastHandle) {
        removalListener.withLock { $0 }?(handle)
        removeLocalCopy(handle)
    }

    /// Removes the pieces and metadata of `handle` from the local block manager only.
    public func removeLocalCopy(_ handle: BroadcastHandle) {
        fetchLocks.withLock { _ = $0.removeValue(forKey: handle.id) }
        blockManager.removeBlock(.broadcast(id: handle.id))
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

/// What one node fetched of broadcast pieces from others.
public struct FetchStatistics: Sendable, Equatable {
    /// Bytes fetched, by the holder that served them (`driver`, `exec-2`).
    public var bytesByHolder: [String: Int64] = [:]
    /// Blocks fetched (pieces and metadata).
    public var fetches = 0

    mutating func record(_ bytes: Int, from holder: String) {
        bytesByHolder[holder, default: 0] += Int64(bytes)
        fetches += 1
    }
}
