import Storage

/// Fetches blocks from the BlockManagers of other processes, as Spark's BlockTransferService
/// client. The cluster glue implements it over RPC; local mode has none (every block is local).
public protocol BlockTransferClient: Sendable {
    /// Fetches bytes `[offset, offset + length)` of `block` (`length: Int.max`: to its end)
    /// from the BlockManager `location`,
    /// in chunks no larger than the transport's frame limit. `completion` runs exactly once,
    /// on any thread, with the bytes or an error naming the block and the holder. Call it from
    /// a task thread: it may block while it connects.
    func fetch(_ block: BlockId, from location: BlockManagerId, offset: Int64, length: Int,
               completion: @escaping @Sendable (Result<[UInt8], any Error>) -> Void)
}
