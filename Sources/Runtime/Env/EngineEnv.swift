import Broadcast
import Foundation
import Logging
import Network
import Scheduler
import Storage

/// The runtime parts of one process, as Spark's SparkEnv: the memory manager, the BlockManager,
/// the map output tracker, the broadcast manager and the network endpoints. The driver and every
/// executor process build theirs through the one factory, ``create(conf:role:executorId:host:port:cores:memory:localDirs:)``:
/// ``createDriverEnv(conf:master:)`` and ``createExecutorEnv(conf:executorId:host:port:cores:memory:localDirs:rpc:driver:driverAddress:)``
/// only say which role the process plays.
///
/// Invariant: a driver's environment has no driver connection (its BlockManagerMaster and
/// MapOutputTracker are local objects); an executor's has one, and every lookup of block locations
/// or map outputs goes to the driver through it.
package final class EngineEnv: Sendable {
    /// Which side a process is on, and what the executor side needs of the driver.
    package enum Role: Sendable {
        /// The driver: `cluster` is its endpoint for executors in other processes (nil in local mode).
        case driver(cluster: ClusterDriver?)
        /// An executor process, connected through `rpc` to its driver at `driverAddress`.
        case executor(rpc: RpcEnv, driver: RpcPeer, driverAddress: NetworkAddress)
    }

    /// The configuration the process runs with (on an executor, the driver's).
    package let conf: EngineConf
    /// `driver`, or the executor's id.
    package let executorId: String
    /// The process's unified memory manager (storage and execution).
    package let memoryManager: UnifiedMemoryManager
    /// The process's block manager.
    package let blockManager: BlockManager
    /// The process's broadcast manager (TorrentBroadcast pieces and kept values).
    package let broadcastManager: BroadcastManager
    /// The driver's ``MapOutputTrackerMaster``, or an executor's ``MapOutputTrackerWorker``.
    package let mapOutputTracker: any MapOutputTracker
    /// Chooses shuffle writers, hands out writers and readers, removes shuffles' map outputs.
    package let shuffleManager: SortShuffleManager
    /// What a task running in this process sees.
    package let taskEnvironment: TaskEnvironment
    /// The driver's endpoint for executors in other processes (nil in local mode and on executors).
    package let cluster: ClusterDriver?

    private init(conf: EngineConf, executorId: String, memoryManager: UnifiedMemoryManager, blockManager: BlockManager,
                 broadcastManager: BroadcastManager, mapOutputTracker: any MapOutputTracker,
                 shuffleManager: SortShuffleManager, taskEnvironment: TaskEnvironment, cluster: ClusterDriver?) {
        self.conf = conf
        self.executorId = executorId
        self.memoryManager = memoryManager
        self.blockManager = blockManager
        self.broadcastManager = broadcastManager
        self.mapOutputTracker = mapOutputTracker
        self.shuffleManager = shuffleManager
        self.taskEnvironment = taskEnvironment
        self.cluster = cluster
    }

    /// The largest message between processes (a task's result travels in one).
    package static let maxFrameSize = 256 << 20
    /// The largest piece of a block one request fetches.
    package static let chunkSize = 8 << 20

    /// The driver's environment. With a cluster master it listens for executors (the driver's
    /// BlockManager serves blocks at that address).
    package static func createDriverEnv(conf: EngineConf, master: MasterURL) throws(EngineError) -> EngineEnv {
        let cluster = master.isCluster ? try ClusterDriver(master: master, conf: conf,
                                                           logger: EngineLogging.logger("EngineContext")) : nil
        let localDirs = conf.get(EngineKeys.localDir)
        do {
            return try create(conf: conf, role: .driver(cluster: cluster), executorId: "driver",
                              host: cluster?.address.host ?? "localhost", port: cluster?.address.port ?? 0,
                              cores: master.cores, memory: conf.get(EngineKeys.executorMemory), localDirs: localDirs)
        } catch let error as EngineError {
            cluster?.stop()
            throw error
        } catch {
            cluster?.stop()
            throw .io(path: localDirs, reason: "\(error); set engine.local.dir to a writable directory")
        }
    }

    /// An executor process's environment, once it has the driver's configuration.
    package static func createExecutorEnv(conf: EngineConf, executorId: String, host: String, port: Int, cores: Int,
                                          memory: Int64, localDirs: String, rpc: RpcEnv, driver: RpcPeer,
                                          driverAddress: NetworkAddress) throws -> EngineEnv {
        try create(conf: conf, role: .executor(rpc: rpc, driver: driver, driverAddress: driverAddress),
                   executorId: executorId, host: host, port: port, cores: cores, memory: memory, localDirs: localDirs)
    }

    /// The one factory: builds the memory manager, shuffle manager, BlockManager, map output tracker
    /// and broadcast manager for either role, and wires the executor side to its driver.
    private static func create(conf: EngineConf, role: Role, executorId: String, host: String, port: Int, cores: Int,
                               memory: Int64, localDirs: String) throws -> EngineEnv {
        MallocTuning.configure(arenas: cores)
        let memoryManager: UnifiedMemoryManager
        do {
            memoryManager = try UnifiedMemoryManager.forExecutor(
                memory: memory, memoryFraction: conf.get(EngineKeys.memoryFraction),
                storageFraction: conf.get(EngineKeys.memoryStorageFraction))
        } catch {
            throw EngineError.invalidArgument("\(error)")
        }
        let timeout = conf.get(EngineKeys.networkTimeout)
        let me = BlockManagerId(executorId: executorId, host: host, port: port)
        let tracker: any MapOutputTracker
        let master: BlockManagerMaster
        // Executors move blocks through the network; the driver only serves them (its BlockServer).
        let transfer: RpcBlockTransferService?
        var pieceSources: [any BroadcastPieceSource] = []
        let cluster: ClusterDriver?
        switch role {
        case .driver(let driverCluster):
            cluster = driverCluster
            tracker = MapOutputTrackerMaster()
            master = BlockManagerMaster()
            transfer = nil
        case .executor(let rpc, let driver, let driverAddress):
            cluster = nil
            let service = RpcBlockTransferService(rpc: rpc, timeout: timeout, chunkSize: chunkSize, driver: driver)
            transfer = service
            tracker = MapOutputTrackerWorker(askDriver: { shuffleId in
                let ask = BlockMessage.getMapOutputStatuses(shuffleId: shuffleId)
                return try BlockMessage.decodeStatuses(try driver.ask(type: ask.typeNumber, payload: ask.encode(),
                                                                      timeout: timeout))
            })
            master = BlockManagerMaster(forward: { manager, block, level, mem, disk in
                let update = BlockMessage.updateBlockInfo(manager: manager, block: block, level: level, memSize: mem,
                                                          diskSize: disk)
                driver.send(type: update.typeNumber, payload: update.encode())
            }, locate: { block in
                let ask = BlockMessage.getLocations(block)
                return (try? BlockMessage.decodeManagers(try driver.ask(type: ask.typeNumber, payload: ask.encode(),
                                                                        timeout: timeout))) ?? []
            }, peers: { asking in
                let ask = BlockMessage.getPeers(asking)
                return (try? BlockMessage.decodeManagers(try driver.ask(type: ask.typeNumber, payload: ask.encode(),
                                                                        timeout: timeout))) ?? []
            })
            // Broadcast pieces (task binaries too) come from whichever node holds them: the
            // driver, or executors that fetched them before (they report each piece they keep).
            let driverSource = DriverPieceSource(
                transfer: service, driver: BlockManagerId(executorId: "driver", host: driverAddress.host, port: driverAddress.port))
            pieceSources = [conf.get(EngineKeys.testBroadcastFromDriverOnly) ? driverSource
                : TorrentPieceSource(transfer: service, driver: driverSource, master: master, me: me)]
        }
        let dirs = localDirs.split(separator: ",").map(String.init).filter { !$0.isEmpty }
        let diskBlockManager = try DiskBlockManager(rootDirs: dirs.isEmpty ? [NSTemporaryDirectory()] : dirs)
        let shuffleManager = SortShuffleManager(shuffleBlockResolver: IndexShuffleBlockResolver(diskBlockManager: diskBlockManager))
        let blockManager = BlockManager(executorId: executorId, host: host, port: port, diskBlockManager: diskBlockManager,
                                        memoryManager: memoryManager, shuffleBlockResolver: shuffleManager.shuffleBlockResolver,
                                        blockTransferService: transfer)
        let broadcastManager = BroadcastManager(blockManager: blockManager,
                                                pieceSize: Int(conf.get(EngineKeys.broadcastBlockSize)),
                                                compress: conf.get(EngineKeys.broadcastCompress),
                                                checksum: conf.get(EngineKeys.broadcastChecksum),
                                                factory: BroadcastFactories.named(conf.get(EngineKeys.broadcastFactory))
                                                    ?? TorrentBroadcastFactory(),
                                                sources: pieceSources)
        let taskEnvironment = TaskEnvironment(executorId: executorId, blockManager: blockManager,
                                              broadcastManager: broadcastManager, mapOutputTracker: tracker,
                                              shuffleCompress: conf.get(EngineKeys.shuffleCompress),
                                              executionMemory: FixedExecutionMemory.from(conf) ?? memoryManager,
                                              blockManagerMaster: master,
                                              maxBytesInFlight: conf.get(EngineKeys.reducerMaxSizeInFlight),
                                              shuffleManager: shuffleManager)
        return EngineEnv(conf: conf, executorId: executorId, memoryManager: memoryManager, blockManager: blockManager,
                         broadcastManager: broadcastManager, mapOutputTracker: tracker, shuffleManager: shuffleManager,
                         taskEnvironment: taskEnvironment, cluster: cluster)
    }

    /// The driver's tracker, which the DAGScheduler registers map outputs with (nil in an executor process).
    package var mapOutputTrackerMaster: MapOutputTrackerMaster? { mapOutputTracker as? MapOutputTrackerMaster }

    /// libuv's version, shown at start-up so a run says what it linked.
    package static var libuvVersion: String { LibUV.version }
}
