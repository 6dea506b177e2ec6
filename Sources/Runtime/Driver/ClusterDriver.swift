import Broadcast
import Foundation
import Logging
import Network
import Scheduler
import Storage
import Synchronization
import Threads

/// The driver's side of a cluster master (`local-cluster[E,C,M]` or `engine://HOST:PORT`):
/// its RPC endpoint and listening address, the local-cluster launcher, the heartbeat check,
/// and the wait for executors before the first job.
package final class ClusterDriver: Sendable {
    let rpc: RpcEnv
    let endpoint: DriverEndpoint
    /// Where executors reach the driver.
    package let address: NetworkAddress
    let master: MasterURL
    private let launcher = Mutex<LocalClusterLauncher?>(nil)
    private let blockServer = Mutex<BlockServer?>(nil)
    private let checking = Atomic(true)
    private let logger: Logger

    /// Listens for executors: on local-cluster at `engine.driver.host` (a free port), on
    /// `engine://HOST:PORT` there.
    init(master: MasterURL, conf: EngineConf, logger: Logger) throws(EngineError) {
        self.master = master
        self.logger = logger
        let (host, port): (String, Int)
        switch master {
        case .localCluster: (host, port) = (conf.get(EngineKeys.driverHost), 0)
        case .cluster(let h, let p): (host, port) = (h, p)
        case .local: preconditionFailure("a local master has no cluster driver")
        }
        endpoint = DriverEndpoint(logger: EngineLogging.logger("DriverEndpoint"))
        do {
            rpc = try RpcEnv(name: "driver-rpc", handler: endpoint, maxFrameSize: ExecutorProcess.maxFrameSize,
                             logger: EngineLogging.logger("network"))
            let bound = try rpc.listen(host: host, port: port)
            address = NetworkAddress(host: host, port: bound.port)
        } catch {
            throw .invalidArgument("the driver cannot listen at \(host):\(port) for executors: \(error); "
                + "choose a free port and an address of this machine")
        }
    }

    /// Wires the endpoint to the scheduler and storage, starts local-cluster's executors and
    /// waits for executors to register: all of local-cluster's, else `engine.executor.minRegistered`,
    /// up to `engine.executor.registrationTimeout`. Throws when none registered.
    package func start(backend: CoarseGrainedSchedulerBackend, tracker: MapOutputTrackerMaster, blockManagerMaster: BlockManagerMaster,
               blockManager: BlockManager, broadcastManager: BroadcastManager, shuffleManager: any ShuffleManager,
               conf: EngineConf) throws(EngineError) {
        let server = BlockServer(blockManager: blockManager, broadcastManager: broadcastManager, shuffleManager: shuffleManager,
                                 chunkLimit: ExecutorProcess.chunkSize, threads: 2, logger: EngineLogging.logger("BlockServer"))
        blockServer.withLock { $0 = server }
        endpoint.attach(backend: backend, tracker: tracker, master: blockManagerMaster, blockServer: server, conf: conf.all)
        // A task binary (or any broadcast) removed on the driver goes from the executors too.
        broadcastManager.setRemovalListener { [weak self] handle in self?.tellExecutors(.removeBroadcast(handle.id)) }

        let endpoint = self.endpoint
        let period = min(1.0, conf.get(EngineKeys.networkTimeout) / 4)
        startOSThread(name: "heartbeat-receiver") { [self] in
            while checking.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: period)
                endpoint.onControlThread { backend.checkHeartbeats() }
            }
        }

        let expected: Int
        switch master {
        case .localCluster(let e, let c, let m):
            let root = conf.get(EngineKeys.localDir).split(separator: ",").first.map(String.init) ?? NSTemporaryDirectory()
            let hostArguments = conf.get(EngineKeys.testExecutorHostArguments).split(separator: " ").map(String.init)
            let l = LocalClusterLauncher(executors: e, cores: c, memoryMB: m, driver: address, scratchRoot: root,
                                         logger: EngineLogging.logger("LocalCluster"), hostArguments: hostArguments) { id, reason in
                endpoint.executorProcessExited(id, reason: reason)
            }
            launcher.withLock { $0 = l }
            try l.start()
            expected = e
        default:
            expected = conf.get(EngineKeys.minRegisteredExecutors)
            let line = "Waiting for executors at \(NetworkAddress.scheme)\(address): start each with "
                + "`JOB --executor --driver \(NetworkAddress.scheme)\(address) --cores C --memory M`"
            logger.notice("\(line)")
        }
        let timeout = conf.get(EngineKeys.registrationTimeout)
        let got = backend.waitForExecutors(minRegistered: expected, timeout: timeout)
        let seconds = String(format: "%.0f", timeout)
        if got == 0 && expected > 0 {
            throw .invalidArgument("no executor registered with the driver at \(NetworkAddress.scheme)\(address) within "
                + "\(seconds) s (engine.executor.registrationTimeout): start executors with `JOB --executor --driver "
                + "\(NetworkAddress.scheme)\(address) --cores C --memory M`")
        }
        if got < expected {
            logger.warning("Only \(got) of \(expected) executors registered within \(seconds) s; running with \(got)")
        } else {
            logger.info("\(got) executors registered with \(backend.totalCores) cores in all")
        }
    }

    /// Stops the heartbeat check and the executor processes (after the backend told them to
    /// stop), then the network. Idempotent.
    package func stop() {
        checking.store(false, ordering: .relaxed)
        launcher.withLock { $0 }?.stop(grace: 10)
        rpc.shutdown()
        endpoint.shutdown()
        blockServer.withLock { $0 }?.shutdown()
    }

    /// Tells every registered executor to carry out `removal` (`.removeRdd`, `.removeShuffle` or
    /// `.removeBroadcast`). With a `timeout`, asks instead and waits up to that long for each to
    /// answer that it has, as Spark's blocking removals; returns the executors that did not, with why.
    package func remove(_ removal: BlockMessage, waitingUpTo timeout: Double?) -> [String] {
        guard let timeout else {
            tellExecutors(removal)
            return []
        }
        let payload = removal.encode()
        let group = DispatchGroup()
        let failures = Mutex<[String]>([])
        let peers = endpoint.executorPeers
        for peer in peers {
            group.enter()
            peer.ask(type: removal.typeNumber, payload: payload, timeout: timeout) { result in
                if case .failure(let error) = result { failures.withLock { $0.append("\(peer): \(error)") } }
                group.leave()
            }
        }
        if group.wait(timeout: .now() + timeout + 1) == .timedOut {
            return failures.withLock { $0 } + ["\(peers.count) executors: no answer within \(timeout) s"]
        }
        return failures.withLock { $0 }
    }

    /// Tells every registered executor to drop its copy of broadcast `id` (`Broadcast.unpersist`).
    package func removeBroadcast(_ id: Int) { tellExecutors(.removeBroadcast(id)) }

    /// Sends `message` (a removal) to every registered executor, as the BlockManagerMaster
    /// tells the block managers to remove an RDD's, a shuffle's or a broadcast's blocks.
    func tellExecutors(_ message: BlockMessage) {
        let payload = message.encode()
        for peer in endpoint.executorPeers { peer.send(type: message.typeNumber, payload: payload) }
    }

    /// The executor processes of local-cluster still running, by executor id (tests kill them).
    package var executorProcesses: [String: Int32] { launcher.withLock { $0 }?.runningProcesses ?? [:] }
}
