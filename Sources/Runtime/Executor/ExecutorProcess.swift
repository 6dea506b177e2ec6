import Broadcast
import CShims
import Foundation
import Logging
import Network
import Scheduler
import Storage
import Synchronization
import Threads

/// An executor process, as Spark's CoarseGrainedExecutorBackend: it connects to the driver,
/// takes the application's configuration from it, registers, runs the tasks the driver
/// launches on `--cores` task threads, serves its blocks to other processes, sends
/// heartbeats, and exits when the driver tells it to or its connection to the driver drops.
package enum ExecutorProcess {
    /// The largest message between processes (a task's result travels in one).
    static var maxFrameSize: Int { EngineEnv.maxFrameSize }
    /// The largest piece of a block one request fetches.
    static var chunkSize: Int { EngineEnv.chunkSize }

    /// Runs executor mode with `args` (after the program name) and exits: 0 when the driver
    /// stopped it, 1 with one line on stderr when it could not start or lost the driver.
    /// `makeCodec` builds the task-binary codec (the job's, from Engine) once the driver's configuration is known.
    package static func run(_ args: [String], appName: String,
                            makeCodec: @escaping @Sendable (EngineConf) -> any TaskBinaryCodec) -> Never {
        let options: ExecutorArguments
        do {
            options = try ExecutorArguments(args)
        } catch {
            fail("\(appName) executor: \(error)")
        }
        if let parent = options.parentPid {
            // Dies with the driver (local-cluster); if the driver is already gone, leave now.
            _ = engine_set_parent_death_signal(SIGKILL)
            if getppid() != parent { exit(1) }
        }
        ensureDeterministicHashing()
        EngineLogging.processTag = options.executorId
        EngineLogging.setUp(level: Logger.Level(rawValue: EngineConf().get(EngineKeys.logLevel).lowercased()) ?? .warning)
        let logger = EngineLogging.logger("CoarseGrainedExecutorBackend")
        let outcome: Int32
        do {
            outcome = try ExecutorRuntime(options: options, appName: appName, logger: logger, makeCodec: makeCodec)
                .runUntilStopped()
        } catch {
            fail("\(appName) executor \(options.executorId): \(error)")
        }
        exit(outcome)
    }

    /// Keys of non-String, non-integer types are partitioned by `hashValue`: every executor must
    /// hash alike, so an executor started without SWIFT_DETERMINISTIC_HASHING=1 restarts itself with it.
    private static func ensureDeterministicHashing() {
        guard getenv("SWIFT_DETERMINISTIC_HASHING") == nil else { return }
        setenv("SWIFT_DETERMINISTIC_HASHING", "1", 1)
        let argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", argv)
        // Only reached if exec failed: go on, hashing as this process does.
        for a in argv { free(a) }
    }

    static func fail(_ line: String) -> Never {
        FileHandle.standardError.write(Data((line + "\n").utf8))
        exit(1)
    }
}

/// Why an executor's run ended.
private enum ExecutorEnd: Sendable {
    case stopped
    case driverLost(String)
}

/// The parts of a running executor process and its loop until it is told to stop.
private final class ExecutorRuntime: Sendable {
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

/// The executor's RPC handler: launch, kill and stop from the driver; block requests from anyone.
private final class ExecutorEndpoint: RpcHandler {
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

/// When the driver last answered a heartbeat.
private final class HeartbeatState: Sendable {
    let beating = Atomic(true)
    private let lastAnswer = Atomic<UInt64>(DispatchTime.now().uptimeNanoseconds)

    func answered() { lastAnswer.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed) }

    var secondsSinceAnswer: Double {
        Double(DispatchTime.now().uptimeNanoseconds &- lastAnswer.load(ordering: .relaxed)) / 1e9
    }
}
