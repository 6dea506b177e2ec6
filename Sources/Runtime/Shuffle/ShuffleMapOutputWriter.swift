import Foundation
import Storage

/// Writes one map task's shuffle output: segments for reducers in
/// non-decreasing order, appended to a temp data file through a buffer, then
/// committed with ``IndexShuffleBlockResolver/writeIndexFileAndCommit(shuffleId:mapId:lengths:dataTemp:)``.
///
/// Used by a single task thread; not thread-safe.
public final class ShuffleMapOutputWriter {
    /// The resolver that commits the output.
    public let resolver: IndexShuffleBlockResolver
    /// The shuffle written to.
    public let shuffleId: Int
    /// The map task whose output this is.
    public let mapId: Int
    /// Number of reduce partitions.
    public let numPartitions: Int
    /// Whether each ``writePartition(_:_:)`` call's bytes are LZ4-compressed.
    public let compress: Bool
    /// The temp data file.
    public let tempPath: String

    private var fd: Int32
    private var buffer: [UInt8] = []
    private var scratch: [UInt8] = []
    private var lengths: [Int64]
    private var lastReduceId = 0
    private var finished = false
    private static let bufferSize = 256 * 1024

    /// Opens a temp data file for map `mapId` of shuffle `shuffleId`.
    public init(resolver: IndexShuffleBlockResolver, shuffleId: Int, mapId: Int, numPartitions: Int, compress: Bool) throws(StorageError) {
        self.resolver = resolver
        self.shuffleId = shuffleId
        self.mapId = mapId
        self.numPartitions = numPartitions
        self.compress = compress
        lengths = [Int64](repeating: 0, count: max(numPartitions, 0))
        tempPath = try resolver.diskBlockManager.tempPath(for: .shuffleData(shuffleId: shuffleId, mapId: mapId))
        guard numPartitions >= 0 else {
            throw .io(path: tempPath, operation: "open shuffle output", reason: "numPartitions is \(numPartitions); it must be ≥ 0")
        }
        fd = open(tempPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: tempPath, operation: "create shuffle temp file", reason: FileIO.errnoText()) }
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit {
        if !finished { abort() }
    }

    private func flush() throws(StorageError) {
        guard !buffer.isEmpty else { return }
        let r = buffer.withUnsafeBytes { p in Result { () throws(StorageError) in try FileIO.writeAll(fd: fd, p, path: tempPath) } }
        buffer.removeAll(keepingCapacity: true)
        try r.get()
    }

    private func append(_ bytes: UnsafeRawBufferPointer) throws(StorageError) {
        if buffer.count + bytes.count > Self.bufferSize {
            try flush()
            if bytes.count >= Self.bufferSize {
                try FileIO.writeAll(fd: fd, bytes, path: tempPath)
                return
            }
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends serialized records for reducer `reduceId`. May be called several
    /// times for one reducer; reducer ids must not decrease.
    public func writePartition(_ reduceId: Int, _ records: UnsafeRawBufferPointer) throws(StorageError) {
        guard !finished else {
            throw .io(path: tempPath, operation: "write partition \(reduceId)", reason: "the writer was already committed or aborted")
        }
        guard reduceId >= 0, reduceId < numPartitions else {
            throw .io(path: tempPath, operation: "write partition \(reduceId)", reason: "reduce id out of range 0..<\(numPartitions)")
        }
        guard reduceId >= lastReduceId else {
            throw .io(path: tempPath, operation: "write partition \(reduceId)", reason: "partition \(lastReduceId) was already written; reduce ids must be non-decreasing")
        }
        lastReduceId = reduceId
        guard records.count > 0 else { return }
        if compress {
            scratch.removeAll(keepingCapacity: true)
            LZ4BlockCodec.compress(records, into: &scratch)
            let r = scratch.withUnsafeBytes { p in Result { () throws(StorageError) in try append(p) } }
            try r.get()
            lengths[reduceId] += Int64(scratch.count)
        } else {
            try append(records)
            lengths[reduceId] += Int64(records.count)
        }
    }

    /// Flushes, closes and commits the output; returns the committed
    /// per-partition lengths (another attempt's, if it committed first).
    public func commit() throws(StorageError) -> [Int64] {
        guard !finished else {
            throw .io(path: tempPath, operation: "commit", reason: "the writer was already committed or aborted")
        }
        do {
            try flush()
        } catch {
            abort()
            throw error
        }
        finished = true
        if close(fd) != 0 {
            let reason = FileIO.errnoText()
            FileIO.remove(tempPath)
            throw .io(path: tempPath, operation: "close", reason: reason)
        }
        fd = -1
        return try resolver.writeIndexFileAndCommit(shuffleId: shuffleId, mapId: mapId, lengths: lengths, dataTemp: tempPath)
    }

    /// Discards the output: closes and deletes the temp file.
    public func abort() {
        finished = true
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        FileIO.remove(tempPath)
    }
}
