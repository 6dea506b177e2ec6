import Foundation
import Runtime
import Scheduler
import Storage

/// Checkpoint files: one per partition, `rdd-ID/part-NNNNN`, in a self-checking frame:
///
/// `ENGCKPT1` · lz4 blocks (each checksummed) of length-prefixed record chunks ·
/// body length (8 bytes) · record count (8 bytes) · `ENGCKEND`.
///
/// A task writes `part-NNNNN.attempt-ID` and renames it into place once it is complete, so a
/// file under its final name was written whole; the reader still checks the frame, the block
/// checksums and the record count, so that a truncated or damaged file fails with one clear
/// error instead of being read back as a shorter partition.
enum CheckpointFiles {
    static let head: [UInt8] = Array("ENGCKPT1".utf8)
    static let tail: [UInt8] = Array("ENGCKEND".utf8)
    static let trailerSize = 24

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
            var raw = ByteWriter(capacity: 1 << 20)
            var packed: [UInt8] = head
            var bodyLength: UInt64 = 0
            var records: UInt64 = 0
            func flushRaw() throws {
                let before = packed.count
                raw.bytes.withUnsafeBytes { LZ4BlockCodec.compress($0, into: &packed) }
                bodyLength += UInt64(packed.count - before)
                raw.removeAll()
                try writeAll(fd, packed, path: temp)
                packed.removeAll(keepingCapacity: true)
            }
            while let chunk = try stream.next() {
                guard !chunk.isEmpty else { continue }
                records += UInt64(chunk.count)
                try serializer.encode(chunk).withUnsafeBytes { raw.writeLengthPrefixed($0) }
                if raw.count >= 1 << 20 { try flushRaw() }
            }
            try flushRaw()
            var trailer = ByteWriter(capacity: trailerSize)
            trailer.writeUInt64(bodyLength)
            trailer.writeUInt64(records)
            trailer.write(contentsOf: tail)
            try writeAll(fd, trailer.bytes, path: temp)
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
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError.io(path: path, reason: "checkpoint file missing or unreadable (the checkpoint directory "
                                 + "must be reachable from every executor, and its files kept while the RDD is used)")
        }
        let bytes = [UInt8](data)
        func corrupt(_ what: String) -> EngineError {
            .io(path: path, reason: "corrupt or incomplete checkpoint file (\(what)): it was damaged or cut short after "
                + "it was written; checkpoint the RDD again into a fresh directory")
        }
        guard bytes.count >= head.count + trailerSize, Array(bytes[0..<head.count]) == head else {
            throw corrupt("no checkpoint header")
        }
        guard Array(bytes[(bytes.count - tail.count)...]) == tail else { throw corrupt("no end marker") }
        var trailer = ByteReader(Array(bytes[(bytes.count - trailerSize)...]))
        let bodyLength = try trailer.readUInt64()
        let records = try trailer.readUInt64()
        guard bodyLength == UInt64(bytes.count - head.count - trailerSize) else {
            throw corrupt("body of \(bytes.count - head.count - trailerSize) bytes, \(bodyLength) expected")
        }
        let raw: [UInt8]
        do {
            raw = try bytes[head.count..<(bytes.count - trailerSize)].withUnsafeBytes { try LZ4BlockCodec.decompress($0) }
        } catch {
            throw corrupt("\(error)")
        }
        var reader = ByteReader(raw)
        var chunks: [[T]] = []
        var count: UInt64 = 0
        do {
            while !reader.isAtEnd {
                let chunk = try serializer.decode(Array(try reader.readLengthPrefixed()))
                count += UInt64(chunk.count)
                chunks.append(chunk)
            }
        } catch {
            throw corrupt("records do not decode: \(error)")
        }
        guard count == records else { throw corrupt("\(count) records, \(records) expected") }
        var i = 0
        return PartitionStream {
            guard i < chunks.count else { return nil }
            defer { i += 1 }
            return chunks[i]
        }
    }
}
