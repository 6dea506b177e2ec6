import Broadcast
import CShims
import Foundation
import Logging
import Network
import Scheduler
import Storage
import Synchronization
import Threads

/// The executor's RPC handler: launch, kill and stop from the driver; block requests from anyone.
final class ExecutorEndpoint: RpcHandler {
    let driver = Mutex<RpcPeer?>(nil)
    private let parts = Mutex<(executor: Executor, blockServer: BlockServer)?>(nil)
    private let end = Latch<ExecutorEnd>()
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func attach(executor: Executor, blockServer: BlockServer) { parts.withLock { $0 = (executor, blockServer) } }

    func waitForEnd() -> ExecutorEnd { end.wait() }

    func receive(type: UInt16, payload: [UInt8], from peer: RpcPeer, responder: RpcResponder?) {
        guard let (executor, blockServer) = parts.withLock({ $0 }) else {
            responder?.fail("the executor is still starting")
            return
        }
        if BlockMessage.isBlockMessage(type) {
            guard let message = peer.decoded(responder, logger: logger, { try BlockMessage.decode(payload) }) else { return }
            if !blockServer.handle(message, responder: responder) {
                responder?.fail("an executor does not take \(message.messageType)")
            }
            return
        }
        guard let message = peer.decoded(responder, logger: logger, { try ClusterMessage.decode(payload) }) else { return }
        switch message {
        case .launchTask(let task): executor.launchTask(task)
        case .killTask(let taskId, let reason): executor.killTask(taskId, reason: reason)
        case .stopExecutor:
            end.fulfill(.stopped)
            // Closed from here, the connection's end is expected (no warning about pending heartbeats).
            peer.close(reason: "the driver asked this executor to stop")
        default:
            logger.warning("Ignored \(message.messageType.name) from \(peer)")
            responder?.fail("an executor does not take \(message.messageType.name)")
        }
    }

    func peerDisconnected(_ peer: RpcPeer, reason: String) {
        guard driver.withLock({ $0 }) === peer else { return }
        end.fulfill(.driverLost(reason))
    }

    /// The driver stopped answering.
    func lostDriver(_ reason: String) { end.fulfill(.driverLost(reason)) }
}
