import Broadcast
import CShims
import Foundation
import Logging
import Network
import Scheduler
import Storage
import Synchronization
import Threads

/// An executor process's backend, as Spark's CoarseGrainedExecutorBackend: it connects to the driver, takes
/// the application's configuration, builds the executor's environment through ``EngineEnv``, registers, runs
/// launched tasks, sends heartbeats, and runs until the driver stops it or is lost.
final class CoarseGrainedExecutorBackend: Sendable {
    let options: ExecutorArguments
    let logger: Logger
    let endpoint: ExecutorEndpoint
    let rpc: RpcEnv
    let makeCodec: @Sendable (EngineConf) -> any TaskBinaryCodec

    init(options: ExecutorArguments, appName: String, logger: Logger,
         makeCodec: @escaping @Sendable (EngineConf) -> any TaskBinaryCodec) throws {
        self.options = options
        self.makeCodec = makeCodec
        self.logger = logger
        endpoint = ExecutorEndpoint(logger: logger)
        rpc = try RpcEnv(name: "executor-rpc", handler: endpoint, maxFrameSize: ExecutorProcess.maxFrameSize,
                         logger: EngineLogging.logger("network"))
    }

    func runUntilStopped() throws -> Int32 {
        let bound = try rpc.listen(host: options.host, port: 0)
        let driver: RpcPeer
        do {
            driver = try rpc.connect(to: options.driver, timeout: 30)
        } catch {
            throw EngineError.invalidArgument("cannot reach the driver at \(NetworkAddress.scheme)\(options.driver): \(error); "
                + "check that the job is running and the address is right")
        }
        endpoint.driver.withLock { $0 = driver }

        // The application's configuration, from the driver.
        let retrieve = ClusterMessage.retrieveAppConfig
        let confPairs = try ClusterMessage.decodeAppConfig(try driver.ask(type: retrieve.typeNumber, payload: try retrieve.encode(),
                                                                          timeout: 60))
        var conf = EngineConf(loadEnvironment: false)
        for (k, v) in confPairs { conf.set(k, v) }
        conf.set(EngineKeys.executorMemory.name, "\(options.memory)")
        EngineLogging.setUp(level: Logger.Level(rawValue: conf.get(EngineKeys.logLevel).lowercased()) ?? .warning)
        let timeout = conf.get(EngineKeys.networkTimeout)

        let localDirs = options.localDir ?? conf.get(EngineKeys.localDir)
        let env = try EngineEnv.createExecutorEnv(conf: conf, executorId: options.executorId, host: options.host,
                                                  port: bound.port, cores: options.cores, memory: options.memory,
                                                  localDirs: localDirs, rpc: rpc, driver: driver,
                                                  driverAddress: options.driver)
        let blockManager = env.blockManager
        let broadcastManager = env.broadcastManager
        let blockServer = BlockServer(blockManager: blockManager, broadcastManager: broadcastManager,
                                      shuffleManager: env.shuffleManager,
                                      chunkLimit: ExecutorProcess.chunkSize, threads: 2,
                                      logger: EngineLogging.logger("BlockServer"))
        let codec = makeCodec(conf)
        let executorId = options.executorId
        let maxFrame = ExecutorProcess.maxFrameSize
        let statusLogger = logger
        let executor = Executor(executorId: executorId, cores: options.cores, env: env.taskEnvironment, codec: codec,
                                logger: EngineLogging.logger("Executor")) { taskId, reason, metrics in
            Self.sendStatus(driver, executorId: executorId, taskId: taskId, reason: reason, metrics: metrics,
                            maxFrame: maxFrame, logger: statusLogger)
        }
        endpoint.attach(executor: executor, blockServer: blockServer)

        // Register.
        let info = ExecutorInfo(id: executorId, host: options.host, port: bound.port, cores: options.cores,
                                memoryMB: Int(options.memory >> 20), buildId: BuildIdentity.current)
        let register = ClusterMessage.registerExecutor(info)
        let answer = try ClusterMessage.decode(try driver.ask(type: register.typeNumber, payload: try register.encode(),
                                                              timeout: 60))
        switch answer {
        case .registeredExecutor:
            let line = "Registered with the driver at \(NetworkAddress.scheme)\(options.driver) as \(executorId) "
                + "(\(options.cores) cores, \(ByteSize.format(options.memory)), blocks at \(options.host):\(bound.port))"
            logger.info("\(line)")
        case .registerExecutorFailed(let message):
            throw EngineError.invalidArgument("the driver refused the registration: \(message)")
        default:
            throw EngineError.invalidArgument("the driver answered the registration with \(answer.messageType.name)")
        }

        // Heartbeats until the end. The driver answers each; none answered for
        // engine.network.timeout means the driver is unreachable (a cut link does not
        // close the connection): the executor gives up, as Spark's after its heartbeat failures.
        let interval = conf.get(EngineKeys.heartbeatInterval)
        let heartbeats = HeartbeatState()
        let endpoint = self.endpoint
        startOSThread(name: "executor-heartbeater") {
            while heartbeats.beating.load(ordering: .relaxed) {
                // The BlockManager is alive while its local directories are there (something
                // may remove /tmp's contents under a long-running executor).
                let alive = blockManager.diskBlockManager.localDirs.allSatisfy { FileManager.default.fileExists(atPath: $0) }
                let beat = ClusterMessage.heartbeat(executorId: executorId, taskMetrics: executor.runningTaskMetrics,
                                                    blockManagerAlive: alive)
                if let bytes = try? beat.encode() {
                    driver.ask(type: beat.typeNumber, payload: bytes, timeout: timeout) { result in
                        if case .success = result { heartbeats.answered() }
                    }
                }
                let silent = heartbeats.secondsSinceAnswer
                if silent > timeout {
                    endpoint.lostDriver("no answer to heartbeats for \(Int(silent)) s (engine.network.timeout)")
                    return
                }
                Thread.sleep(forTimeInterval: min(interval, max(0.05, timeout / 4)))
            }
        }

        let end = endpoint.waitForEnd()
        heartbeats.beating.store(false, ordering: .relaxed)
        let stats = broadcastManager.fetchStatistics
        let fromDriver = stats.bytesByHolder["driver"] ?? 0
        let fromPeers = stats.bytesByHolder.filter { $0.key != "driver" }.values.reduce(0, +)
        let fetched = "Broadcast blocks fetched: \(stats.fetches), \(ByteSize.format(fromDriver)) from the driver, "
            + "\(ByteSize.format(fromPeers)) from other executors"
        logger.info("\(fetched)")
        executor.stop()
        blockServer.shutdown()
        rpc.shutdown()
        blockManager.stop()
        switch end {
        case .stopped:
            logger.info("Driver commanded a shutdown")
            return 0
        case .driverLost(let reason):
            FileHandle.standardError.write(Data(("executor \(executorId): lost the driver at "
                + "\(NetworkAddress.scheme)\(options.driver) (\(reason)); exiting\n").utf8))
            return 1
        }
    }

    /// Sends a task's status; a result that cannot travel fails the task with the reason instead.
    private static func sendStatus(_ driver: RpcPeer, executorId: String, taskId: Int64, reason: TaskEndReason,
                                   metrics: TaskMetrics, maxFrame: Int, logger: Logger) {
        var message = ClusterMessage.statusUpdate(executorId: executorId, taskId: taskId, reason: reason, metrics: metrics)
        var bytes: [UInt8]
        do {
            bytes = try message.encode()
        } catch {
            message = .statusUpdate(executorId: executorId, taskId: taskId, reason: .exception("\(error)"), metrics: metrics)
            bytes = (try? message.encode()) ?? []
        }
        if bytes.count + 64 > maxFrame {
            let why = "the result of task \(taskId) is \(ByteSize.format(Int64(bytes.count))), over the "
                + "\(ByteSize.format(Int64(maxFrame))) a message between processes may carry: return less to the driver "
                + "(write large results with saveAsTextFile)"
            logger.error(Logger.Message(stringLiteral: why))
            message = .statusUpdate(executorId: executorId, taskId: taskId, reason: .exception(why), metrics: metrics)
            bytes = (try? message.encode()) ?? []
        }
        driver.send(type: message.typeNumber, payload: bytes)
    }
}
