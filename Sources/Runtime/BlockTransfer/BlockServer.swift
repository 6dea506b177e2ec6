import Broadcast
import Logging
import Network
import Scheduler
import Storage
import Synchronization

/// Answers other processes' requests for this process's blocks, as Spark's
/// NettyBlockRpcServer: the server half of ``RpcBlockTransferService`` (shuffle segments, read
/// in ranges straight from the map output's data file, broadcast pieces and other stored bytes;
/// replicas to store); and the driver's requests to remove an RDD's, a shuffle's or a
/// broadcast's blocks. Disk reads run on a pool, never on the network thread.
final class BlockServer: Sendable {
    let blockManager: BlockManager
    let broadcastManager: BroadcastManager
    /// Removes a shuffle's map outputs when the driver asks.
    let shuffleManager: any ShuffleManager
    /// The most bytes one answer carries; larger blocks are fetched in several requests.
    let chunkLimit: Int
    private let pool: WorkerPool
    private let logger: Logger
    private let lastRead = Mutex<(block: BlockId, bytes: [UInt8])?>(nil)

    init(blockManager: BlockManager, broadcastManager: BroadcastManager, shuffleManager: any ShuffleManager, chunkLimit: Int,
         threads: Int, logger: Logger) {
        self.blockManager = blockManager
        self.broadcastManager = broadcastManager
        self.shuffleManager = shuffleManager
        self.chunkLimit = chunkLimit
        self.logger = logger
        pool = WorkerPool(name: "block-server", threads: threads)
    }

    /// Handles `message` if it is this server's; returns false for the caller to handle.
    func handle(_ message: BlockMessage, responder: RpcResponder?) -> Bool {
        switch message {
        case .fetchBlock(let block, let offset, let length):
            guard let responder else { return true }
            pool.submit { [self] in
                do {
                    responder.reply(BlockMessage.encodeChunk(try read(block, offset: offset, length: length)))
                } catch {
                    responder.fail("cannot read \(block) on \(blockManager.blockManagerId.executorId): \(error)")
                }
            }
        // Removals are one-way, or asks (the driver's cleaner waits): answered once done.
        case .removeRdd(let rddId):
            pool.submit { [self] in
                _ = blockManager.removeRdd(rddId)
                responder?.reply([])
            }
        case .removeShuffle(let shuffleId):
            pool.submit { [self] in
                shuffleManager.unregisterShuffle(shuffleId)
                responder?.reply([])
            }
        case .removeBroadcast(let id):
            pool.submit { [self] in
                broadcastManager.removeLocalCopy(BroadcastHandle(id: id))
                responder?.reply([])
            }
        case .putBlock(let block, let level, let bytes):
            pool.submit { [self] in
                do {
                    try blockManager.putReplica(block, bytes, level: level)
                    responder?.reply([])
                } catch {
                    responder?.fail("cannot store the replica of \(block): \(error)")
                }
            }
        default:
            return false
        }
        return true
    }

    private func read(_ block: BlockId, offset: Int64, length: Int) throws(StorageError) -> (totalLength: Int64, bytes: [UInt8])? {
        let count = max(0, min(length, chunkLimit))
        if case .shuffle = block {
            let (bytes, total) = try blockManager.getShuffleBlockData(block, offset: offset, maxCount: count)
            return (total, bytes)
        }
        // A block read in several chunks is serialized once: the last one read is kept.
        let all: [UInt8]
        if offset > 0, let kept = lastRead.withLock({ $0?.block == block ? $0?.bytes : nil }) {
            all = kept
        } else {
            guard let bytes = blockManager.getSerializedBytes(block) else { return nil }
            all = bytes
            lastRead.withLock { $0 = bytes.count > chunkLimit ? (block, bytes) : nil }
        }
        guard offset >= 0, offset <= Int64(all.count) else {
            throw .corrupt("bytes from \(offset) of the \(all.count)-byte block \(block) requested")
        }
        let start = Int(offset)
        return (Int64(all.count), Array(all[start..<(start + min(count, all.count - start))]))
    }

    func shutdown() { pool.shutdown() }
}
