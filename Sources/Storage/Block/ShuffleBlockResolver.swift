/// Serves the stored bytes of shuffle blocks, as Spark's ShuffleBlockResolver trait. The
/// shuffle system lays map outputs out on disk and implements this (Runtime's
/// `IndexShuffleBlockResolver`: one data file and one index file per map task); the
/// ``BlockManager`` holds it, to hand ``BlockId/shuffle(shuffleId:mapId:reduceId:)`` blocks to
/// this process's reducers and, in ranges, to other executors.
public protocol ShuffleBlockResolver: Sendable {
    /// At most `maxCount` bytes of shuffle block `blockId` from `offset` on, as stored (still
    /// compressed if the writer compressed), and the block's whole length: a remote reducer
    /// fetches a large block in chunks. Throws ``StorageError/blockNotFound(_:)`` for a block
    /// not held here.
    func getBlockData(_ blockId: BlockId, offset: Int64, maxCount: Int) throws(StorageError)
        -> (bytes: [UInt8], blockLength: Int64)

    /// Deletes every map output file of shuffle `shuffleId` held here; returns how many files went.
    @discardableResult
    func removeShuffle(_ shuffleId: Int) -> Int
}

extension ShuffleBlockResolver {
    /// All stored bytes of shuffle block `blockId`.
    public func getBlockData(_ blockId: BlockId) throws(StorageError) -> [UInt8] {
        try getBlockData(blockId, offset: 0, maxCount: Int.max).bytes
    }
}
