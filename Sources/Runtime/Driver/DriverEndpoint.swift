import Foundation
import Logging
import Network
import Scheduler
import Storage
import Synchronization

/// The driver's RPC handler, as Spark's DriverEndpoint together with the
/// MapOutputTrackerMasterEndpoint, the BlockManagerMasterEndpoint and the block server of the
/// driver's BlockManager (which holds the task binaries' broadcast pieces).
///
/// Registration, status updates, heartbeats and lost connections change the scheduler's state:
/// they run one at a time, in arrival order, on one control thread. Lookups (map output
/// statuses, block locations) are answered on the network thread; block reads on the
/// block server's pool.
final class DriverEndpoint: RpcHandler {
    private struct Parts {
        let backend: CoarseGrainedSchedulerBackend
        let tracker: MapOutputTrackerMaster
        let master: BlockManagerMaster
        let blockServer: BlockServer
        let conf: [(String, String)]
    }

    private struct Executors {
        /// Registered executors by connection.
        var byPeer: [RpcPeer: (id: String, blockManager: BlockManagerId)] = [:]
    }

    private let parts = Mutex<Parts?>(nil)
    private let executors = Mutex(Executors())
    private let control = WorkerPool(name: "driver-endpoint", threads: 1)
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Connects the endpoint to the scheduler and storage once they exist; until then
    /// requests are answered with a failure (executors retry registration).
    func attach(backend: CoarseGrainedSchedulerBackend, tracker: MapOutputTrackerMaster, master: BlockManagerMaster,
                blockServer: BlockServer, conf: [(String, String)]) {
        parts.withLock { $0 = Parts(backend: backend, tracker: tracker, master: master, blockServer: blockServer, conf: conf) }
    }

    /// Runs `work` on the control thread, after what was queued before.
    func onControlThread(_ work: @escaping @Sendable () -> Void) { control.submit(work) }

    /// The connections of the registered executors (to tell them to remove blocks).
    var executorPeers: [RpcPeer] { executors.withLock { Array($0.byPeer.keys) } }

    func receive(type: UInt16, payload: [UInt8], from peer: RpcPeer, responder: RpcResponder?) {
        guard let parts = parts.withLock({ $0 }) else {
            responder?.fail("the driver is still starting; try again")
            return
        }
        if BlockMessage.isBlockMessage(type) {
            receiveBlockMessage(payload, from: peer, responder: responder, parts)
            return
        }
        guard let message = peer.decoded(responder, logger: logger, { try ClusterMessage.decode(payload) }) else { return }
        switch message {
        case .retrieveAppConfig:
            responder?.reply(ClusterMessage.encodeAppConfig(parts.conf))
        case .registerExecutor(let info):
            control.submit { [self] in register(info, peer: peer, responder: responder, parts) }
        case .statusUpdate(let executorId, let taskId, let reason, let metrics):
            control.submit { parts.backend.statusUpdate(executorId: executorId, taskId: taskId, reason: reason, metrics: metrics) }
        case .heartbeat(let executorId, let taskMetrics, let alive):
            control.submit { [self] in
                let known = parts.backend.heartbeat(executorId: executorId, taskMetrics: taskMetrics, blockManagerAlive: alive)
                responder?.reply([known ? 1 : 0])
                if !known {
                    logger.warning("Telling executor \(executorId), which the driver does not know (any more), to stop")
                    RpcExecutorChannel(peer: peer, logger: logger).stop()
                }
            }
        case .registeredExecutor, .registerExecutorFailed, .launchTask, .killTask, .stopExecutor:
            logger.warning("Ignored \(message.messageType.name) from \(peer): the driver does not take that message")
            responder?.fail("the driver does not take \(message.messageType.name)")
        }
    }

    private func register(_ info: ExecutorInfo, peer: RpcPeer, responder: RpcResponder?, _ parts: Parts) {
        let channel = RpcExecutorChannel(peer: peer, logger: logger)
        let blockManager = BlockManagerId(executorId: info.id, host: info.host, port: info.port)
        // Known before the backend offers it tasks, so a lost connection always finds it.
        executors.withLock { $0.byPeer[peer] = (info.id, blockManager) }
        parts.master.registerBlockManager(blockManager)
        let result = parts.backend.registerExecutor(info, channel: channel)
        let answer: ClusterMessage
        switch result {
        case .registered:
            answer = .registeredExecutor
        case .failed(let message):
            executors.withLock { _ = $0.byPeer.removeValue(forKey: peer) }
            parts.master.removeBlockManager(blockManager)
            answer = .registerExecutorFailed(message: message)
        }
        responder?.reply((try? answer.encode()) ?? [])
        if !peer.isOpen { connectionLost(peer, reason: "the connection closed during registration", parts) }
    }

    private func receiveBlockMessage(_ payload: [UInt8], from peer: RpcPeer, responder: RpcResponder?, _ parts: Parts) {
        guard let message = peer.decoded(responder, logger: logger, { try BlockMessage.decode(payload) }) else { return }
        if parts.blockServer.handle(message, responder: responder) { return }
        switch message {
        case .getMapOutputStatuses(let shuffleId):
            responder?.reply(BlockMessage.encodeStatuses(parts.tracker.statuses(shuffleId)))
        case .registerBlockManager(let id):
            parts.master.registerBlockManager(id)
        case .updateBlockInfo(let manager, let block, let level, let memSize, let diskSize):
            parts.master.updateBlockInfo(manager, blockId: block, level: level, memSize: memSize, diskSize: diskSize)
        case .getLocations(let block):
            responder?.reply(BlockMessage.encodeManagers(parts.master.getLocations(block)))
        case .getPeers(let asking):
            let peers = executors.withLock { $0.byPeer.values.map(\.blockManager) }
                .filter { $0 != asking }.sorted { $0.executorId < $1.executorId }
            responder?.reply(BlockMessage.encodeManagers(peers))
        default:
            responder?.fail("the driver does not take \(message.messageType)")
        }
    }

    func peerDisconnected(_ peer: RpcPeer, reason: String) {
        guard let parts = parts.withLock({ $0 }) else { return }
        control.submit { [self] in connectionLost(peer, reason: reason, parts) }
    }

    private func connectionLost(_ peer: RpcPeer, reason: String, _ parts: Parts) {
        guard let (id, blockManager) = executors.withLock({ $0.byPeer.removeValue(forKey: peer) }) else { return }
        parts.master.removeBlockManager(blockManager)
        parts.backend.removeExecutor(id, reason: "Remote executor \(id) disconnected: \(reason)")
    }

    /// Forgets an executor whose process exited (local-cluster), as if its connection dropped.
    func executorProcessExited(_ executorId: String, reason: String) {
        guard let parts = parts.withLock({ $0 }) else { return }
        control.submit { [self] in
            let peer = executors.withLock { e in e.byPeer.first { $0.value.id == executorId }?.key }
            if let peer {
                connectionLost(peer, reason: reason, parts)
            } else {
                parts.backend.removeExecutor(executorId, reason: reason)
            }
        }
    }

    func shutdown() { control.shutdown() }
}
