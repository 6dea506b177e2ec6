import Foundation
import Logging
import Network
import Threads

#if canImport(Glibc)
import Glibc
#endif

/// Starts `local-cluster[E,C,M]`'s executor processes: this very binary in executor mode,
/// one process per executor, and stops them with the driver.
///
/// No orphans: the processes are spawned from one long-lived thread and each executor asks
/// the kernel for SIGKILL when that thread's process dies (`PR_SET_PDEATHSIG`, checked
/// against `--parent-pid` for the race at start-up); an executor also exits as soon as its
/// connection to the driver drops. ``stop(grace:)`` waits for the executors the driver told
/// to stop, then kills what is left. A reaper thread per process reports an exit to
/// `onExit` (the driver forgets that executor and reruns its work).
final class LocalClusterLauncher: Sendable {
    private struct Children {
        var running: [String: pid_t] = [:]
        var stopping = false
        /// Set when stop gave up waiting for executors: the launcher thread may end.
        var released = false
    }

    /// The launcher thread and ``stop(grace:)`` wait on it for the processes to exit; each
    /// reaper notifies it.
    private let children = ConditionLock(Children())
    private let executors: Int
    private let cores: Int
    private let memoryMB: Int
    private let driver: NetworkAddress
    /// Where each executor gets a scratch directory of its own, removed when it exits (even
    /// when it was killed and could not clean up itself).
    private let scratchRoot: String
    private let onExit: @Sendable (_ executorId: String, _ reason: String) -> Void
    private let logger: Logger
    /// Test only (`engine.test.executorHostArguments`): when not empty, each executor is started
    /// with these arguments and gets its executor arguments through ``TestExecutorHost``.
    private let hostArguments: [String]

    init(executors: Int, cores: Int, memoryMB: Int, driver: NetworkAddress, scratchRoot: String, logger: Logger,
         hostArguments: [String] = [],
         onExit: @escaping @Sendable (_ executorId: String, _ reason: String) -> Void) {
        self.hostArguments = hostArguments
        self.executors = executors
        self.cores = cores
        self.memoryMB = memoryMB
        self.driver = driver
        self.scratchRoot = scratchRoot
        self.logger = logger
        self.onExit = onExit
    }

    /// The executor ids this launcher starts: `exec-1` … `exec-E`.
    var executorIds: [String] { (1...executors).map { "exec-\($0)" } }

    /// Spawns every executor process; throws if one cannot be started.
    func start() throws(EngineError) {
        let done = Latch<Result<Void, EngineError>>()
        startOSThread(name: "local-cluster-launcher") { [self] in
            do throws(EngineError) {
                for id in executorIds { try spawn(id) }
                done.fulfill(.success(()))
            } catch {
                done.fulfill(.failure(error))
            }
            // Stays alive until every executor has exited: the executors' parent-death signal
            // follows this thread, and leaving earlier would SIGKILL them before they clean up.
            children.wait { c in (c.stopping && c.running.isEmpty) || c.released ? () : nil }
        }
        try done.wait().get()
    }

    /// Executor `id`'s scratch directory: named by this driver's process and port, since one
    /// process may run several local-cluster contexts at once, each with its own `exec-1`.
    private func scratch(_ id: String) -> String {
        (scratchRoot as NSString).appendingPathComponent("engine-\(id)-of-\(getpid())-\(driver.port)")
    }

    private func spawn(_ id: String) throws(EngineError) {
        let exe = "/proc/self/exe"
        let dir = scratch(id)
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw .io(path: dir, reason: "cannot create executor \(id)'s scratch directory: \(error.localizedDescription); "
                + "set engine.local.dir to a writable directory")
        }
        let executorArgs = ["--executor", "--driver", NetworkAddress.scheme + driver.description,
                            "--cores", "\(cores)", "--memory", "\(memoryMB)m", "--executor-id", id, "--host", driver.host,
                            "--local-dir", dir, "--parent-pid", "\(getpid())"]
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_DETERMINISTIC_HASHING"] = "1"
        env[TestExecutorHost.variable] = nil
        env[TestExecutorHost.stderrVariable] = nil
        let args: [String]
        if hostArguments.isEmpty {
            args = [CommandLine.arguments.first ?? exe] + executorArgs
        } else {
            args = [CommandLine.arguments.first ?? exe] + hostArguments
            env[TestExecutorHost.variable] = TestExecutorHost.encode(executorArgs)
            env[TestExecutorHost.stderrVariable] = "\(TestExecutorHost.stderrDescriptor)"
        }
        let envStrings = env.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStrings(args) { argv in
            withCStrings(envStrings) { envp in
                TestExecutorHost.withSpawnActions(hosted: !hostArguments.isEmpty) { actions in
                    posix_spawn(&pid, exe, actions, nil, argv, envp)
                }
            }
        }
        guard rc == 0 else {
            throw .io(path: exe, reason: "cannot start executor process \(id): \(String(cString: strerror(rc)))")
        }
        let child = pid
        children.withLock { $0.running[id] = child }
        logger.info("Started executor \(id) as process \(child)")
        startOSThread(name: "reaper-\(id)") { [self] in reap(id, child) }
    }

    private func reap(_ id: String, _ pid: pid_t) {
        var status: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(pid, &status, 0) } while r == -1 && errno == EINTR
        try? FileManager.default.removeItem(atPath: scratch(id))
        let expected = children.withLockNotifyingAll { c in
            c.running[id] = nil
            return c.stopping
        }
        let how: String
        if r == -1 {
            how = "could not be waited for"
        } else if status & 0x7f == 0 {
            how = "exited with code \((status >> 8) & 0xff)"
        } else {
            let sig = status & 0x7f
            how = "was killed by signal \(sig)\(sig == SIGKILL ? " (SIGKILL)" : "")"
        }
        if expected {
            logger.debug("Executor \(id) (process \(pid)) \(how)")
        } else {
            logger.error("Executor \(id) (process \(pid)) \(how)")
            onExit(id, "Executor process \(pid) \(how)")
        }
    }

    /// Waits up to `grace` seconds for the executor processes to exit (the driver told them to
    /// stop), then SIGKILLs the rest and waits for them. Idempotent.
    func stop(grace: Double) {
        children.withLockNotifyingAll { $0.stopping = true }
        let left = children.wait(timeout: grace) { c in c.running.isEmpty ? [:] : nil }
            ?? children.withLock { $0.running }
        for (id, pid) in left {
            logger.warning("Executor \(id) (process \(pid)) did not stop within \(grace) s: killing it")
            kill(pid, SIGKILL)
        }
        _ = children.wait(timeout: 5) { c in c.running.isEmpty ? () : nil }
        children.withLockNotifyingAll { $0.released = true }
    }

    /// PIDs of the executor processes still running, by executor id.
    var runningProcesses: [String: Int32] {
        children.withLock { $0.running }
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { for c in copies { free(c) } }
    return body(copies)
}
