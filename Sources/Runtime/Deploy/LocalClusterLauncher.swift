import Foundation
import Logging
import Network
import Synchronization

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
final class LocalClusterLauncher: @unchecked Sendable {
    // Unchecked: `children` and `stopping` are guarded by `condition`.
    private let condition = NSCondition()
    private var children: [String: pid_t] = [:]
    private var stopping = false
    /// Set when stop gave up waiting for executors: the launcher thread may end.
    private var released = false
    private let executors: Int
    private let cores: Int
    private let memoryMB: Int
    private let driver: NetworkAddress
    /// Where each executor gets a scratch directory of its own, removed when it exits (even
    /// when it was killed and could not clean up itself).
    private let scratchRoot: String
    private let onExit: @Sendable (_ executorId: String, _ reason: String) -> Void
    private let logger: Logger

    init(executors: Int, cores: Int, memoryMB: Int, driver: NetworkAddress, scratchRoot: String, logger: Logger,
         onExit: @escaping @Sendable (_ executorId: String, _ reason: String) -> Void) {
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
        let done = ResultBox<Void>()
        let thread = Thread { [self] in
            do {
                for id in executorIds { try spawn(id) }
                done.set(.success(()))
            } catch {
                done.set(.failure(error))
            }
            // Stays alive until every executor has exited: the executors' parent-death signal
            // follows this thread, and leaving earlier would SIGKILL them before they clean up.
            condition.lock()
            while !(stopping && children.isEmpty) && !released { condition.wait() }
            condition.unlock()
        }
        thread.name = "local-cluster-launcher"
        thread.start()
        do {
            try done.wait()
        } catch let e as EngineError {
            throw e
        } catch {
            throw .io(path: CommandLine.arguments.first ?? "", reason: "\(error)")
        }
    }

    private func scratch(_ id: String) -> String {
        (scratchRoot as NSString).appendingPathComponent("engine-\(id)-of-\(getpid())")
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
        let args = [CommandLine.arguments.first ?? exe, "--executor", "--driver", NetworkAddress.scheme + driver.description,
                    "--cores", "\(cores)", "--memory", "\(memoryMB)m", "--executor-id", id, "--host", driver.host, "--local-dir", dir,
                    "--parent-pid", "\(getpid())"]
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_DETERMINISTIC_HASHING"] = "1"
        let envStrings = env.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStrings(args) { argv in
            withCStrings(envStrings) { envp in posix_spawn(&pid, exe, nil, nil, argv, envp) }
        }
        guard rc == 0 else {
            throw .io(path: exe, reason: "cannot start executor process \(id): \(String(cString: strerror(rc)))")
        }
        let child = pid
        condition.lock()
        children[id] = child
        condition.unlock()
        logger.info("Started executor \(id) as process \(child)")
        let reaper = Thread { [self] in reap(id, child) }
        reaper.name = "reaper-\(id)"
        reaper.start()
    }

    private func reap(_ id: String, _ pid: pid_t) {
        var status: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(pid, &status, 0) } while r == -1 && errno == EINTR
        try? FileManager.default.removeItem(atPath: scratch(id))
        condition.lock()
        children[id] = nil
        let expected = stopping
        condition.broadcast()
        condition.unlock()
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
        condition.lock()
        stopping = true
        condition.broadcast()
        let deadline = Date(timeIntervalSinceNow: grace)
        while !children.isEmpty && condition.wait(until: deadline) {}
        let left = children
        condition.unlock()
        for (id, pid) in left {
            logger.warning("Executor \(id) (process \(pid)) did not stop within \(grace) s: killing it")
            kill(pid, SIGKILL)
        }
        condition.lock()
        let hardDeadline = Date(timeIntervalSinceNow: 5)
        while !children.isEmpty && condition.wait(until: hardDeadline) {}
        released = true
        condition.broadcast()
        condition.unlock()
    }

    /// PIDs of the executor processes still running, by executor id.
    var runningProcesses: [String: Int32] {
        condition.lock()
        defer { condition.unlock() }
        return children
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { for c in copies { free(c) } }
    return body(copies)
}
