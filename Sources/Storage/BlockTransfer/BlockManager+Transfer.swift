import Logging

/// Where BlockManager's remote reads and replication log, as Spark's BlockManager logs them.
private let transferLogger = Logger(label: "engine.BlockManager")

extension BlockManager {
    /// The bytes of `block` from another BlockManager that holds it, as Spark's getRemoteBytes:
    /// the holders the master lists (not this one) are tried in random order, a failed or empty
    /// answer is logged and the next one tried. Nil when no holder is known, none can give the
    /// block, or this BlockManager has no ``blockTransferService``. Blocks: call it from a task thread.
    public func getRemoteBytes(_ block: BlockId) -> [UInt8]? {
        guard let service = blockTransferService, let master else { return nil }
        for holder in master.locations(block).filter({ $0 != blockManagerId }).shuffled() {
            do {
                if let bytes = try service.fetchBlockSync(block, from: holder) {
                    transferLogger.info("Read \(block) from \(holder.executorId) (\(bytes.count) bytes)")
                    return bytes
                }
                transferLogger.warning("Could not read \(block) from \(holder.executorId): it does not hold the block")
            } catch {
                transferLogger.warning("Could not read \(block) from \(holder.executorId): \(error)")
            }
        }
        return nil
    }

    /// Copies `block`, stored here at a `_2` level, to other executors, as Spark's
    /// BlockManager.replicate: the master names the other executors (``BlockManagerMaster/getPeers(_:)``),
    /// `replication - 1` of them are chosen at random and each is sent `bytes` through `service`;
    /// it stores and reports the copy. A peer that cannot take the copy is skipped for the next;
    /// fewer copies than asked are logged. Runs on the storing task's thread.
    func replicate(_ block: BlockId, bytes: [UInt8], level: StorageLevel, service: any BlockTransferService,
                   master: BlockManagerMaster) {
        let wanted = level.replication - 1
        guard wanted > 0 else { return }
        let peers = master.getPeers(blockManagerId)
        var done = 0
        for peer in peers.shuffled() where done < wanted {
            do {
                try service.uploadBlock(block, bytes: bytes, level: level, to: peer)
                done += 1
                transferLogger.info("Replicated \(block) to \(peer.executorId) (\(bytes.count) bytes)")
            } catch {
                transferLogger.warning("Could not replicate \(block) to \(peer.executorId): \(error)")
            }
        }
        if done < wanted {
            transferLogger.warning(
                "Block \(block) replicated to \(done) peer(s) only, \(wanted) wanted: \(peers.count) other executors")
        }
    }
}
