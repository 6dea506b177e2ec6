import Foundation
import Runtime
import Scheduler
import Storage

/// Checkpoint files: one per partition, `rdd-ID/part-NNNNN`, each a ``RecordFile`` (magic
/// `ENGCKPT1`): framed, checksummed and counted, so that a truncated or damaged file fails with
/// one clear error instead of being read back as a shorter partition.
///
/// A task writes `part-NNNNN.attempt-ID` and renames it into place once it is complete, so a
/// file under its final name was written whole.
enum CheckpointFiles {
    static let format = RecordFile(magic: Array("ENGCKPT1".utf8), what: "checkpoint file")

    static func partPath(_ dir: String, _ partition: Int) -> String {
        let digits = String(partition)
        return "\(dir)/part-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// Writes `stream` to `path` through a temporary attempt file; the first attempt to finish wins.
    static func writePartition<T>(_ stream: PartitionStream<T>, serializer: BlockSerializer<T>, to path: String,
                                  attempt: Int64) throws {
        let temp = "\(path).attempt-\(attempt)"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw EngineError.io(path: temp, reason: "cannot create the checkpoint file: \(String(cString: strerror(errno))) "
                                 + "(the checkpoint directory must be writable from every executor)")
        }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            var writer = RecordFile.Writer(format, serializer: serializer)
            while let chunk = try stream.next() {
                try writer.append(chunk)
                if writer.out.count >= 1 << 20 {
                    try writeAll(fd, writer.out, path: temp)
                    writer.out.removeAll(keepingCapacity: true)
                }
            }
            writer.finish()
            try writeAll(fd, writer.out, path: temp)
            closed = true
            guard close(fd) == 0 else {
                throw EngineError.io(path: temp, reason: "cannot close the checkpoint file: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
        // The first attempt to finish wins; a later one finds the file in place and discards its own.
        if FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.removeItem(atPath: temp)
            return
        }
        if rename(temp, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temp)
            guard FileManager.default.fileExists(atPath: path) else {
                throw EngineError.io(path: path, reason: "cannot move the checkpoint file into place: \(reason)")
            }
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let n = write(fd, b.baseAddress! + done, b.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw EngineError.io(path: path, reason: "cannot write the checkpoint file: \(String(cString: strerror(errno)))")
                }
                done += n
            }
        }
    }

    /// The records of the checkpoint file at `path`, checked whole before the first is returned.
    static func readPartition<T>(_ path: String, serializer: BlockSerializer<T>) throws -> PartitionStream<T> {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineError.io(path: path, reason: "checkpoint file missing (the checkpoint directory must be reachable "
                                 + "from every executor, and its files kept while the RDD is used)")
        }
        let chunks = try format.read(path, serializer: serializer)
        var i = 0
        return PartitionStream {
            guard i < chunks.count else { return nil }
            defer { i += 1 }
            return chunks[i]
        }
    }
}
