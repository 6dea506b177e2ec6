import Logging
import Network
import Scheduler
import Storage

/// Copies a block stored at a `_2` level to other executors, as Spark's
/// BlockManager.replicate: the driver names the other executors, `replication - 1` of them are
/// chosen at random and each is sent the block's bytes, which it stores and reports. A peer
/// that cannot take the copy is skipped for the next; fewer copies than asked are logged.
enum Replication {
    static func replicate(_ block: BlockId, level: StorageLevel, bytes: [UInt8], from me: BlockManagerId, driver: RpcPeer,
                          rpc: RpcEnv, timeout: Double, logger: Logger) {
        let wanted = level.replication - 1
        let ask = BlockMessage.getPeers(me)
        guard wanted > 0,
              let peers = try? BlockMessage.decodeManagers(driver.ask(type: ask.typeNumber, payload: ask.encode(), timeout: timeout))
        else { return }
        let put = BlockMessage.putBlock(block, level: level, bytes: bytes)
        let payload = put.encode()
        var done = 0
        for peer in peers.shuffled() where done < wanted {
            do {
                let connection = try rpc.peer(for: NetworkAddress(host: peer.host, port: peer.port), timeout: timeout)
                _ = try connection.ask(type: put.typeNumber, payload: payload, timeout: timeout)
                done += 1
                logger.info("Replicated \(block) to \(peer.executorId) (\(bytes.count) bytes)")
            } catch {
                logger.warning("Could not replicate \(block) to \(peer.executorId): \(error)")
            }
        }
        if done < wanted {
            logger.warning("Block \(block) replicated to \(done) peer(s) only, \(wanted) wanted: \(peers.count) other executors")
        }
    }
}
