import Logging
import Network
import Scheduler

/// The driver's line to one executor: its RPC connection, as Spark's executor RpcEndpointRef.
final class RpcExecutorChannel: ExecutorChannel {
    let peer: RpcPeer
    private let logger: Logger

    init(peer: RpcPeer, logger: Logger) {
        self.peer = peer
        self.logger = logger
    }

    func launch(_ task: TaskDescription) { send(.launchTask(task)) }

    func kill(taskId: Int64, reason: String) { send(.killTask(taskId: taskId, reason: reason)) }

    /// Asks the executor to shut down, then closes the connection once that is written.
    func stop() {
        send(.stopExecutor)
        peer.close(reason: "the driver asked the executor to stop")
    }

    private func send(_ message: ClusterMessage) {
        do {
            peer.send(type: message.typeNumber, payload: try message.encode())
        } catch {
            logger.error("Cannot send \(message.messageType.name) to \(peer): \(error)")
        }
    }
}
