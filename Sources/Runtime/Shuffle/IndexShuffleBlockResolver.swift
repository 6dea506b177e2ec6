import Foundation
import Storage
import Synchronization

/// Finds and commits the output of map tasks, as Spark's IndexShuffleBlockResolver; the
/// BlockManager serves its segments as shuffle blocks (``ShuffleBlockResolver``).
///
/// One map task's output is a data file (all reducers' segments, in order)
/// and an index file of `numPartitions + 1` little-endian `Int64` offsets into
/// it. Invariant: when an index file is in place, its data file is in place
/// and consistent with it; the first complete attempt of a map task wins.
public final class IndexShuffleBlockResolver: ShuffleBlockResolver {
    /// Where the files live.
    public let diskBlockManager: DiskBlockManager
    /// Serializes commits, so that two attempts of one map task cannot interleave.
    private let commitLock = Mutex(())

    /// Creates a resolver over `diskBlockManager`'s directories.
    public init(diskBlockManager: DiskBlockManager) {
        self.diskBlockManager = diskBlockManager
    }

    /// Path of the data file of map `mapId` of shuffle `shuffleId`.
    public func dataFile(shuffleId: Int, mapId: Int) throws(StorageError) -> String {
        try diskBlockManager.file(for: .shuffleData(shuffleId: shuffleId, mapId: mapId))
    }

    /// Path of the index file of map `mapId` of shuffle `shuffleId`.
    public func indexFile(shuffleId: Int, mapId: Int) throws(StorageError) -> String {
        try diskBlockManager.file(for: .shuffleIndex(shuffleId: shuffleId, mapId: mapId))
    }

    /// Encodes `lengths` as `lengths.count + 1` little-endian offsets starting at 0.
    static func indexBytes(_ lengths: [Int64]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity((lengths.count + 1) * 8)
        var offset: Int64 = 0
        withUnsafeBytes(of: offset.littleEndian) { out.append(contentsOf: $0) }
        for l in lengths {
            offset += l
            withUnsafeBytes(of: offset.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Parses and validates index bytes: a multiple of 8, at least two offsets, starting at 0, non-decreasing.
    static func parseIndex(_ bytes: [UInt8], path: String) throws(StorageError) -> [Int64] {
        guard bytes.count % 8 == 0, bytes.count >= 16 else {
            throw .corrupt("shuffle index \(path) has \(bytes.count) bytes, not a multiple of 8 of at least 16; delete the map output and rerun the map task")
        }
        var offsets = [Int64]()
        offsets.reserveCapacity(bytes.count / 8)
        bytes.withUnsafeBytes { p in
            for i in stride(from: 0, to: p.count, by: 8) {
                offsets.append(Int64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: Int64.self)))
            }
        }
        guard offsets[0] == 0 else { throw .corrupt("shuffle index \(path) starts at offset \(offsets[0]), not 0") }
        for i in 1..<offsets.count where offsets[i] < offsets[i - 1] {
            throw .corrupt("shuffle index \(path): offset \(i) (\(offsets[i])) is below offset \(i - 1) (\(offsets[i - 1]))")
        }
        return offsets
    }

    /// The lengths of an already committed, consistent output with `numPartitions` partitions, or nil.
    private func existingLengths(index: String, data: String, numPartitions: Int) -> [Int64]? {
        guard let indexSize = FileIO.size(index), indexSize == Int64(numPartitions + 1) * 8,
            let bytes = try? FileIO.readAll(index),
            let offsets = try? Self.parseIndex(bytes, path: index),
            let dataSize = FileIO.size(data), dataSize == offsets.last!
        else { return nil }
        return (0..<numPartitions).map { offsets[$0 + 1] - offsets[$0] }
    }

    /// Commits a map task's output: writes the index to a temp file, then
    /// renames the data temp file and then the index into place.
    ///
    /// If another attempt already committed a complete, consistent output for
    /// this map task, that output is kept, the temp files are deleted, and its
    /// lengths are returned. Otherwise returns `lengths`.
    @discardableResult
    public func writeIndexFileAndCommit(shuffleId: Int, mapId: Int, lengths: [Int64], dataTemp: String) throws(StorageError) -> [Int64] {
        let index = try indexFile(shuffleId: shuffleId, mapId: mapId)
        let data = try dataFile(shuffleId: shuffleId, mapId: mapId)
        let indexTemp = try diskBlockManager.tempPath(for: .shuffleIndex(shuffleId: shuffleId, mapId: mapId))
        guard lengths.allSatisfy({ $0 >= 0 }) else {
            FileIO.remove(dataTemp)
            throw .corrupt("map output of shuffle \(shuffleId) map \(mapId) has a negative partition length")
        }
        do {
            try FileIO.createFile(indexTemp, Self.indexBytes(lengths))
        } catch {
            FileIO.remove(indexTemp)
            FileIO.remove(dataTemp)
            throw error
        }
        let outcome: Result<[Int64], StorageError> = commitLock.withLock { _ in
            if let existing = existingLengths(index: index, data: data, numPartitions: lengths.count) {
                FileIO.remove(indexTemp)
                FileIO.remove(dataTemp)
                return .success(existing)
            }
            let expected = lengths.reduce(0, +)
            if let tempSize = FileIO.size(dataTemp), tempSize != expected {
                FileIO.remove(indexTemp)
                FileIO.remove(dataTemp)
                return .failure(.corrupt("data temp file \(dataTemp) has \(tempSize) bytes but the partition lengths sum to \(expected)"))
            }
            // An inconsistent leftover (a crashed attempt) is replaced: index first, so
            // that no reader ever sees an index without matching data.
            FileIO.remove(index)
            FileIO.remove(data)
            do throws(StorageError) {
                if FileIO.exists(dataTemp) {
                    try FileIO.rename(dataTemp, data)
                } else {
                    try FileIO.createFile(data, [])
                }
                try FileIO.rename(indexTemp, index)
            } catch {
                FileIO.remove(indexTemp)
                FileIO.remove(dataTemp)
                return .failure(error)
            }
            return .success(lengths)
        }
        return try outcome.get()
    }

    /// The offsets of a committed map output, validated against its data file.
    public func offsets(shuffleId: Int, mapId: Int) throws(StorageError) -> [Int64] {
        let index = try indexFile(shuffleId: shuffleId, mapId: mapId)
        let data = try dataFile(shuffleId: shuffleId, mapId: mapId)
        guard FileIO.exists(index) else {
            throw .blockNotFound("\(BlockId.shuffleIndex(shuffleId: shuffleId, mapId: mapId)) (no file \(index))")
        }
        let offsets = try Self.parseIndex(try FileIO.readAll(index), path: index)
        guard let dataSize = FileIO.size(data) else {
            throw .blockNotFound("\(BlockId.shuffleData(shuffleId: shuffleId, mapId: mapId)) (no file \(data))")
        }
        guard dataSize >= offsets.last! else {
            throw .corrupt("shuffle data \(data) has \(dataSize) bytes but its index \(index) needs \(offsets.last!)")
        }
        return offsets
    }

    /// At most `maxCount` stored bytes of shuffle block `blockId` (reducer `reduceId`'s segment of
    /// a map output) from `offset` on, and the segment's whole length (a remote reducer fetches a
    /// large segment in chunks).
    public func getBlockData(_ blockId: BlockId, offset: Int64, maxCount: Int) throws(StorageError)
        -> (bytes: [UInt8], blockLength: Int64)
    {
        guard case .shuffle(let shuffleId, let mapId, let reduceId) = blockId else {
            throw .blockNotFound("\(blockId) (the shuffle block resolver holds only shuffle blocks)")
        }
        let offsets = try offsets(shuffleId: shuffleId, mapId: mapId)
        guard reduceId >= 0, reduceId + 1 < offsets.count else {
            throw .blockNotFound("\(blockId) (map output has \(offsets.count - 1) partitions)")
        }
        let length = offsets[reduceId + 1] - offsets[reduceId]
        guard offset >= 0, offset <= length, maxCount >= 0 else {
            throw .corrupt("bytes from \(offset) of a \(length)-byte segment \(blockId) requested")
        }
        let count = Int(min(Int64(maxCount), length - offset))
        if count == 0 { return ([], length) }
        let bytes = try FileIO.read(try dataFile(shuffleId: shuffleId, mapId: mapId), offset: offsets[reduceId] + offset,
                                    count: count)
        return (bytes, length)
    }

    /// Deletes every map output file of shuffle `shuffleId` in the local directories
    /// (the shuffle was unregistered everywhere); returns how many files went.
    @discardableResult
    public func removeShuffle(_ shuffleId: Int) -> Int {
        let prefix = "shuffle_\(shuffleId)_"
        var removed = 0
        for dir in diskBlockManager.localDirs {
            guard let subs = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for sub in subs {
                let path = (dir as NSString).appendingPathComponent(sub)
                guard let files = try? FileManager.default.contentsOfDirectory(atPath: path) else { continue }
                for f in files where f.hasPrefix(prefix) && (f.hasSuffix(".data") || f.hasSuffix(".index")) {
                    if FileIO.remove((path as NSString).appendingPathComponent(f)) { removed += 1 }
                }
            }
        }
        return removed
    }

    /// Deletes the data and index files of a map output, if present.
    public func removeDataByMap(shuffleId: Int, mapId: Int) {
        if let d = try? dataFile(shuffleId: shuffleId, mapId: mapId) { FileIO.remove(d) }
        if let i = try? indexFile(shuffleId: shuffleId, mapId: mapId) { FileIO.remove(i) }
    }
}
