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
            outcome = try CoarseGrainedExecutorBackend(options: options, appName: appName, logger: logger, makeCodec: makeCodec)
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
