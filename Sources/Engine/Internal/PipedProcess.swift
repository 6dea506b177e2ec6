#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Threads

/// Why `pipe` failed: the command could not start, or it exited with a non-zero status.
public struct PipeError: Error, CustomStringConvertible, Sendable {
    /// The one-line explanation.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A child process of `pipe`, started with its standard input, output and error connected to
/// pipes; a thread writes the partition's records to its input and another keeps the tail of
/// its error output, while the task thread reads its output lines.
final class PipedProcess: @unchecked Sendable {
    // Unchecked: the descriptors are set once; `errorTail` and `writeFailure` are under their mutexes.
    let command: [String]
    private let pid: pid_t
    private let stdinFD: Int32
    private let stdoutFD: Int32
    private let stderrFD: Int32
    private let errorTail = Mutex<[UInt8]>([])
    private let writeFailure = Mutex<(any Error)?>(nil)
    private var threads: [OSThread] = []
    private var pending: [UInt8] = []
    private var readOffset = 0
    private var atEOF = false
    private let finished = Mutex(false)

    /// Writing to a child that stopped reading must fail with EPIPE, not kill the process; the
    /// child gets the default disposition back.
    private static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// The most of standard error kept for the error message.
    static let tailBytes = 2048

    /// Starts `command` (looked up on PATH) with the executor's environment plus `env`.
    init(command: [String], env: [String: String]) throws(PipeError) {
        self.command = command
        guard let program = command.first, !program.isEmpty else {
            throw PipeError("pipe: the command is empty; give the program to run and its arguments")
        }
        var fds: [Int32] = []
        for _ in 0..<3 {
            var pair: [Int32] = [-1, -1]
            guard Self.makePipe(&pair) else {
                let reason = String(cString: strerror(errno))
                for fd in fds { close(fd) }
                throw PipeError("pipe: cannot create a pipe for \(Self.shown(command)): \(reason)")
            }
            fds.append(contentsOf: pair)
        }
        // fds: stdin read/write, stdout read/write, stderr read/write.
        _ = Self.ignoreSIGPIPE
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fds[3], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[5], 2)
        var merged: [String: String] = [:]
        var entry = environ
        while let p = entry.pointee {
            let s = String(cString: p)
            if let eq = s.firstIndex(of: "=") { merged[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            entry += 1
        }
        for (k, v) in env { merged[k] = v }
        let argv = command.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, program, &actions, &attributes, argv, envp)
        close(fds[0])
        close(fds[3])
        close(fds[5])
        guard rc == 0 else {
            close(fds[1])
            close(fds[2])
            close(fds[4])
            throw PipeError("pipe: cannot run \(Self.shown(command)): \(String(cString: strerror(rc))); "
                            + "check that the program exists on every executor's PATH")
        }
        pid = child
        stdinFD = fds[1]
        stdoutFD = fds[2]
        stderrFD = fds[4]
    }

    /// Starts the threads that write `records` to the child's input (one per line) and keep its
    /// error output's tail.
    func start(writing records: @escaping @Sendable (_ emit: (String) throws -> Void) throws -> Void) throws {
        let stdinFD = self.stdinFD, stderrFD = self.stderrFD
        let shown = Self.shown(command)
        do {
            threads.append(try OSThread.start(name: "stdin writer for \(shown)") { [self] in
                var buffer: [UInt8] = []
                buffer.reserveCapacity(1 << 16)
                var open = true
                func flush() {
                    if open && !Self.writeAll(stdinFD, buffer) { open = false }  // the child closed its input
                    buffer.removeAll(keepingCapacity: true)
                }
                do {
                    try records { line in
                        guard open else { throw ChildStoppedReading() }
                        buffer.append(contentsOf: line.utf8)
                        buffer.append(10)
                        if buffer.count >= 1 << 16 { flush() }
                    }
                    flush()
                } catch is ChildStoppedReading {
                } catch {
                    writeFailure.withLock { $0 = error }
                }
                close(stdinFD)
            })
            threads.append(try OSThread.start(name: "stderr reader for \(shown)") { [self] in
                var chunk = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = chunk.withUnsafeMutableBytes { read(stderrFD, $0.baseAddress, 4096) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    errorTail.withLock { tail in
                        tail.append(contentsOf: chunk[0..<n])
                        if tail.count > Self.tailBytes { tail.removeFirst(tail.count - Self.tailBytes) }
                    }
                }
                close(stderrFD)
            })
        } catch {
            kill(pid, SIGKILL)
            throw PipeError("pipe: cannot start a thread for \(shown): \(error)")
        }
    }

    /// Up to `max` more lines of the child's output; nil at its end, after the child exited with status 0.
    /// `interrupted` is called while waiting for output and throws when the task was killed.
    /// - Throws: the error reading the partition's records raised, or ``PipeError`` when the
    ///   child exited with a non-zero status or was killed by a signal.
    func nextLines(max: Int, interrupted: () throws -> Void) throws -> [String]? {
        var lines: [String] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while lines.count < max {
            if let nl = pending[readOffset...].firstIndex(of: 10) {
                var end = nl
                if end > readOffset && pending[end - 1] == 13 { end -= 1 }
                lines.append(String(decoding: pending[readOffset..<end], as: UTF8.self))
                readOffset = nl + 1
                continue
            }
            if atEOF {
                if readOffset < pending.count {
                    lines.append(String(decoding: pending[readOffset...], as: UTF8.self))
                    readOffset = pending.count
                }
                break
            }
            if !lines.isEmpty { break }  // hand these out rather than wait for more
            pending.removeFirst(readOffset)
            readOffset = 0
            // Wait for output in slices, so that a killed task stops even while the child is silent.
            var wait = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&wait, 1, 200)
            if ready == 0 || (ready < 0 && errno == EINTR) {
                try interrupted()
                continue
            }
            let n = buffer.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress, 1 << 16) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                atEOF = true
            } else {
                pending.append(contentsOf: buffer[0..<n])
            }
        }
        if !lines.isEmpty { return lines }
        try finish()
        return nil
    }

    /// Waits for the child and the threads; throws what went wrong.
    private func finish() throws {
        guard !finished.withLock({ let was = $0; $0 = true; return was }) else { return }
        close(stdoutFD)
        for t in threads { t.join() }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if let e = writeFailure.withLock({ $0 }) { throw e }
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard !exited || code != 0 else { return }
        let tail = String(decoding: errorTail.withLock { $0 }, as: UTF8.self)
            .split(whereSeparator: \.isNewline).suffix(5).joined(separator: " | ")
        let what = exited ? "exited with status \(code)" : "was killed by signal \(status & 0x7f)"
        throw PipeError("pipe: \(Self.shown(command)) \(what)" + (tail.isEmpty ? "" : "; its stderr ended with: \(tail)"))
    }

    /// Kills the child if it is still running (the task ended before reading all its output).
    func abandon() {
        guard !finished.withLock({ let was = $0; $0 = true; return was }) else { return }
        kill(pid, SIGKILL)
        close(stdoutFD)
        for t in threads { t.join() }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    private static func shown(_ command: [String]) -> String { "'" + command.joined(separator: " ") + "'" }

    /// Writes every byte; false when the reader is gone (EPIPE) or another error happened.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// A pipe whose ends are closed in every child but the one that inherits them by dup2.
    private static func makePipe(_ pair: inout [Int32]) -> Bool {
        #if canImport(Glibc)
        return linuxPipe2(&pair, O_CLOEXEC) == 0
        #else
        guard pipe(&pair) == 0 else { return false }
        _ = fcntl(pair[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pair[1], F_SETFD, FD_CLOEXEC)
        return true
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `pipe2`, which the Glibc module does not export (it needs `_GNU_SOURCE`): it creates
/// both ends close-on-exec atomically, so a child another task spawns meanwhile cannot inherit them.
@_silgen_name("pipe2")
private func linuxPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
#endif

/// The child closed its input: stop feeding it (not an error; its exit status decides).
struct ChildStoppedReading: Error {}
