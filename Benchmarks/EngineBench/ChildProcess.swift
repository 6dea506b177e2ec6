import Foundation

/// One finished child process: how it ended, how long it took, its peak memory.
struct ChildResult {
    /// The exit status, or nil if a signal ended it.
    let exitStatus: Int32?
    /// The signal that ended it, if any.
    let signal: Int32?
    /// Wall time from spawn to reap.
    let seconds: Double
    /// Peak resident set size in bytes (wait4's ru_maxrss: the largest process of the
    /// child's tree that was reaped, KiB on Linux, bytes on macOS).
    let peakRSSBytes: Int64

    var succeeded: Bool { exitStatus == 0 }

    var statusText: String {
        if let s = exitStatus { return "exit status \(s)" }
        return "killed by signal \(signal ?? 0)"
    }
}

/// Spawns a program with posix_spawn, stdout and stderr to files, and reaps it with wait4.
enum ChildProcess {
    static func run(_ path: String, _ arguments: [String], stdout: String, stderr: String) throws -> ChildResult {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }

        var pid: pid_t = 0
        let start = ContinuousClock.now
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else {
            throw BenchError("cannot start \(path): \(String(cString: strerror(rc)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("wait4 failed: \(String(cString: strerror(errno)))") }
        }
        let seconds = (ContinuousClock.now - start).seconds
        #if os(Linux)
        let peak = Int64(usage.ru_maxrss) * 1024
        #else
        let peak = Int64(usage.ru_maxrss)
        #endif
        let termSignal = status & 0x7f
        return ChildResult(
            exitStatus: termSignal == 0 ? (status >> 8) & 0xff : nil,
            signal: termSignal == 0 ? nil : termSignal,
            seconds: seconds, peakRSSBytes: peak)
    }
}

/// A benchmark failure, printed as one line.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
