import Foundation
import Synchronization
import Threads

/// The one way the bytes of a block move between processes, as Spark's BlockTransferService:
/// a reader fetches a block (or a range of it) from the BlockManager that holds it, and a
/// writer uploads a replica to another BlockManager. BlockManager's remote reads and
/// replication, the shuffle's ``ShuffleBlockFetcherIterator`` and TorrentBroadcast's piece
/// sources all go through it; where a block is comes from the ``BlockManagerMaster``, not from here.
///
/// The runtime implements it over its RPC network; tests use one that connects several
/// BlockManagers of one process. Local mode has none: every block is in the one process.
public protocol BlockTransferService: Sendable {
    /// Fetches bytes `[offset, offset + length)` of `block` (`length: Int.max`: to its end) from
    /// the BlockManager `holder`. `completion` runs exactly once, on any thread, with the bytes,
    /// with nil when `holder` does not hold the block, or with an error naming the block and the
    /// holder. Call it from a task thread: it may block while it connects.
    func fetchBlock(_ block: BlockId, from holder: BlockManagerId, offset: Int64, length: Int,
                    completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void)

    /// Stores `bytes` (a block as ``BlockManager/getSerializedBytes(_:)`` gives it) as `block`
    /// at `level` in the BlockManager `holder`, which reports it to the master (a replica:
    /// Spark's uploadBlockSync). Blocks until `holder` stored it; throws if it could not.
    func uploadBlock(_ block: BlockId, bytes: [UInt8], level: StorageLevel, to holder: BlockManagerId) throws
}

extension BlockTransferService {
    /// The whole of `block` from `holder`, or nil if it does not hold it, as Spark's
    /// fetchBlockSync. Blocks the calling thread until the answer (or the transport's timeout).
    public func fetchBlockSync(_ block: BlockId, from holder: BlockManagerId) throws -> [UInt8]? {
        let answer = Latch<Result<[UInt8]?, any Error>>()
        fetchBlock(block, from: holder, offset: 0, length: Int.max) { answer.fulfill($0) }
        return try answer.wait().get()
    }
}

/// Why a block could not be fetched from (or stored in) another process's BlockManager.
public struct BlockFetchError: Error, CustomStringConvertible, Sendable {
    /// The block asked for.
    public let block: BlockId
    /// Who was asked: a BlockManagerId, or `the driver (ADDRESS)`.
    public let holder: String
    /// What went wrong.
    public let reason: String

    /// An error for `block` asked of `holder`.
    public init(block: BlockId, holder: String, reason: String) {
        self.block = block
        self.holder = holder
        self.reason = reason
    }

    /// `cannot fetch BLOCK from HOLDER: REASON`.
    public var description: String { "cannot fetch \(block) from \(holder): \(reason)" }
}
