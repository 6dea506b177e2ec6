import Foundation
import Synchronization

/// Commits text output as Hadoop's FileOutputCommitter (algorithm 1) does, so that no
/// partial file is ever seen under a final name:
/// - the job creates `OUT/_temporary/0/`;
/// - a task writes `OUT/_temporary/0/_temporary/attempt_J_P_A/part-P` and commits by renaming
///   its attempt directory to `OUT/_temporary/0/task_P` (the first attempt to commit wins);
/// - the job commits by moving each `task_P/part-P` to `OUT/part-P`, removing `_temporary`,
///   and writing `_SUCCESS` last. A failed job removes what it created.
///
/// Invariant: once ``abortJob()`` has run, no task creates anything under `OUT`. Tasks of a
/// failed job may still be running when it returns; every directory entry a task creates
/// (attempt directory, part file, commit rename) is made under `aborted`'s lock after checking
/// the flag, and the abort sets the flag and removes `OUT` under the same lock.
@usableFromInline
struct FileOutputCommitter: Sendable {
    @usableFromInline let output: String
    @usableFromInline let jobTag: String
    /// How part files are compressed (nil: plain text).
    @usableFromInline let codec: CompressionCodec?
    /// True once the job was aborted; its lock also orders tasks' file creations against the abort.
    private let aborted = AbortFlag()

    private final class AbortFlag: Sendable {
        let value = Mutex(false)
    }

    /// Checks that `output` does not exist and creates it with its `_temporary` directory.
    @usableFromInline
    init(output: String, codec: CompressionCodec? = nil) throws(EngineError) {
        self.output = output
        self.codec = codec
        self.jobTag = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        guard !FileManager.default.fileExists(atPath: output) else { throw .outputExists(output) }
        do {
            try FileManager.default.createDirectory(atPath: pendingDir, withIntermediateDirectories: true)
        } catch {
            throw .io(path: output, reason: "cannot create the output directory: \(error.localizedDescription)")
        }
    }

    /// The committer of a job started elsewhere (the driver), for its tasks on an executor.
    @usableFromInline
    init(tasksOf output: String, jobTag: String, codec: CompressionCodec? = nil) {
        self.output = output
        self.jobTag = jobTag
        self.codec = codec
    }

    var pendingDir: String { output + "/_temporary/0" }

    @usableFromInline
    static func partName(_ partition: Int) -> String {
        let digits = String(partition)
        return "part-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// Part file `partition`'s name, with the codec's suffix.
    func partFile(_ partition: Int) -> String { Self.partName(partition) + (codec?.fileSuffix ?? "") }

    /// Writes one task's part file and commits it. `fill` appends the partition's bytes to the buffer
    /// it is given and returns false once done; the buffer is flushed whenever it grows past 1 MiB.
    @usableFromInline
    func writeTask(partition: Int, attempt: Int, _ fill: (inout [UInt8]) throws -> Bool) throws {
        let attemptDir = "\(pendingDir)/_temporary/attempt_\(jobTag)_\(partition)_\(attempt)"
        let fm = FileManager.default
        let file = attemptDir + "/" + partFile(partition)
        let encoder = try codec?.makeEncoder()
        let fd = try aborted.value.withLock { isAborted throws -> Int32 in
            guard !isAborted else { throw EngineError.jobCancelled("output \(output): the job was aborted") }
            do {
                try fm.createDirectory(atPath: attemptDir, withIntermediateDirectories: true)
            } catch {
                throw EngineError.io(path: attemptDir, reason: "cannot create the task attempt directory: \(error.localizedDescription)")
            }
            let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw EngineError.io(path: file, reason: String(cString: strerror(errno))) }
            return fd
        }
        var closed = false
        defer { if !closed { close(fd) } }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 4096)
        var packed: [UInt8] = []
        func flush(final: Bool = false) throws {
            if let encoder {
                packed.removeAll(keepingCapacity: true)
                try encoder.compress(buffer, into: &packed)
                if final { try encoder.finish(into: &packed) }
                swap(&buffer, &packed)
            }
            try buffer.withUnsafeBytes { b in
                var done = 0
                while done < b.count {
                    let n = write(fd, b.baseAddress! + done, b.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw EngineError.io(path: file, reason: String(cString: strerror(errno)))
                    }
                    done += n
                }
            }
            buffer.removeAll(keepingCapacity: true)
        }
        while try fill(&buffer) {
            if buffer.count >= 1 << 20 { try flush() }
        }
        try flush(final: true)
        closed = true
        guard close(fd) == 0 else { throw EngineError.io(path: file, reason: String(cString: strerror(errno))) }
        // Commit: the first attempt to rename its directory to task_P wins; later ones discard theirs.
        let taskDir = "\(pendingDir)/task_\(partition)"
        try aborted.value.withLock { isAborted throws in
            guard !isAborted else { throw EngineError.jobCancelled("output \(output): the job was aborted") }
            if rename(attemptDir, taskDir) != 0 {
                let reason = String(cString: strerror(errno))
                try? fm.removeItem(atPath: attemptDir)
                guard fm.fileExists(atPath: taskDir + "/" + partFile(partition)) else {
                    throw EngineError.io(path: taskDir, reason: "cannot commit the task output: \(reason)")
                }
            }
        }
    }

    /// Moves every committed part file to its final name, removes `_temporary`, writes `_SUCCESS`.
    @usableFromInline
    func commitJob(partitions: Int) throws(EngineError) {
        for p in 0..<partitions {
            let from = "\(pendingDir)/task_\(p)/\(partFile(p))"
            let to = "\(output)/\(partFile(p))"
            guard rename(from, to) == 0 else {
                throw .io(path: from, reason: "cannot move the committed part file into place: \(String(cString: strerror(errno)))")
            }
        }
        try? FileManager.default.removeItem(atPath: output + "/_temporary")
        let success = output + "/_SUCCESS"
        guard FileManager.default.createFile(atPath: success, contents: Data()) else {
            throw .io(path: success, reason: "cannot write the _SUCCESS marker")
        }
    }

    /// Removes everything the job wrote, including the output directory it created.
    @usableFromInline
    func abortJob() {
        aborted.value.withLock { isAborted in
            isAborted = true
            try? FileManager.default.removeItem(atPath: output)
        }
    }
}
