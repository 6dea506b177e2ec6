import Storage
import Synchronization

/// A ShuffleBlockResolver over bytes held in memory, for Storage's tests (Runtime's
/// IndexShuffleBlockResolver, which writes data and index files, is tested in RuntimeTests).
final class MemoryShuffleBlockResolver: ShuffleBlockResolver {
    private let blocks = Mutex<[BlockId: [UInt8]]>([:])

    /// Stores map `mapId`'s output of shuffle `shuffleId`: one byte array per reduce partition;
    /// returns each segment's length.
    @discardableResult
    func put(shuffleId: Int, mapId: Int, segments: [[UInt8]]) -> [Int64] {
        blocks.withLock { b in
            for (reduceId, bytes) in segments.enumerated() {
                b[.shuffle(shuffleId: shuffleId, mapId: mapId, reduceId: reduceId)] = bytes
            }
        }
        return segments.map { Int64($0.count) }
    }

    func getBlockData(_ blockId: BlockId, offset: Int64, maxCount: Int) throws(StorageError)
        -> (bytes: [UInt8], blockLength: Int64)
    {
        guard let all = blocks.withLock({ $0[blockId] }) else { throw .blockNotFound("\(blockId)") }
        guard offset >= 0, offset <= Int64(all.count) else { throw .corrupt("offset \(offset) past \(blockId)") }
        let start = Int(offset)
        return (Array(all[start..<(start + min(maxCount, all.count - start))]), Int64(all.count))
    }

    @discardableResult
    func removeShuffle(_ shuffleId: Int) -> Int {
        blocks.withLock { b in
            let gone = b.keys.filter { if case .shuffle(shuffleId, _, _) = $0 { return true } else { return false } }
            for k in gone { b[k] = nil }
            return gone.count
        }
    }
}
