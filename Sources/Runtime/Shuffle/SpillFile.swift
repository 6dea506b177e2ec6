import Foundation
import Scheduler
import Storage
import Synchronization

/// The temp files one spilling structure wrote for its task: created under the
/// DiskBlockManager's local dirs as `temp_<n>` blocks, removed when a merge has read
/// them, and in any case when the task ends, successfully or not.
///
/// Invariant: every path handed out by ``newPath()`` is in `paths` until it is removed.
@usableFromInline
package final class SpillFiles: Sendable {
    private let disk: DiskBlockManager
    private let paths = Mutex<Set<String>>([])

    /// The spill files of `context`'s task; a task completion listener removes any left at its end.
    @usableFromInline
    package init(context: TaskContext) {
        disk = context.env.blockManager.diskBlockManager
        context.addTaskCompletionListener { [self] _, _ in removeAll() }
    }

    /// A fresh temp path, to be removed at the end of the task at the latest.
    func newPath() throws -> String {
        let path = try disk.tempPath(for: .temp(UInt64.random(in: 0...UInt64.max)))
        paths.withLock { _ = $0.insert(path) }
        return path
    }

    /// Removes one spill file.
    func remove(_ path: String) {
        unlink(path)
        paths.withLock { _ = $0.remove(path) }
    }

    /// Removes every spill file still present.
    func removeAll() {
        let all = paths.withLock { p -> Set<String> in
            defer { p.removeAll() }
            return p
        }
        for path in all { unlink(path) }
    }
}

/// Writes a spill file: records are appended to ``buffer`` and cut into frames at record
/// boundaries once the buffer passes 64 KiB; each frame is `rawLength: UInt64,
/// storedLength: UInt64` (little-endian) then its bytes as an ``LZ4BlockCodec`` stream,
/// so a reader never sees a record cut in two.
@usableFromInline
package struct SpillWriter {
    /// Raw bytes buffered before a frame is compressed and written: 64 KiB.
    @usableFromInline package static let frameSize = 64 * 1024
    let path: String
    private var fd: Int32
    /// Raw record bytes not yet written.
    @usableFromInline package var buffer = ByteWriter(capacity: SpillWriter.frameSize + 1024)
    private var compressed: [UInt8] = []
    /// Bytes written to the file so far (the offset of the next frame).
    private(set) var offset: Int64 = 0

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StorageError.io(path: path, operation: "create spill file", reason: String(cString: strerror(errno)))
        }
    }

    /// Writes a frame if the buffer is full; call after each record.
    @inlinable
    package mutating func recordWritten() throws {
        if buffer.count >= SpillWriter.frameSize { try flush() }
    }

    /// Writes what is buffered as one frame.
    @usableFromInline
    package mutating func flush() throws {
        guard buffer.count > 0 else { return }
        compressed.removeAll(keepingCapacity: true)
        let blockSize = Swift.min(buffer.count, LZ4BlockCodec.maxBlockSize)
        buffer.bytes.withUnsafeBytes { LZ4BlockCodec.compress($0, into: &compressed, blockSize: blockSize) }
        var header = ByteWriter(capacity: 16)
        header.writeUInt64(UInt64(buffer.count))
        header.writeUInt64(UInt64(compressed.count))
        try header.bytes.withUnsafeBytes { try writeAll($0) }
        try compressed.withUnsafeBytes { try writeAll($0) }
        offset += Int64(compressed.count + 16)
        buffer.removeAll()
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError.io(path: path, operation: "write spill file", reason: String(cString: strerror(errno)))
            }
            done += n
        }
    }

    /// Writes what is buffered and closes the file; returns its size.
    mutating func finish() throws -> Int64 {
        try flush()
        let r = close(fd)
        fd = -1
        guard r == 0 else {
            throw StorageError.io(path: path, operation: "close spill file", reason: String(cString: strerror(errno)))
        }
        return offset
    }

    /// Closes the file after a failure (the caller's ``SpillFiles`` removes it).
    mutating func abort() {
        if fd >= 0 { close(fd) }
        fd = -1
    }
}

/// Reads the frames of a byte range of a spill file written by ``SpillWriter``.
@usableFromInline
package final class SpillReader {
    let path: String
    private let fd: Int32
    private var position: Int64
    private let end: Int64

    init(path: String, offset: Int64 = 0, length: Int64? = nil) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw StorageError.io(path: path, operation: "open spill file", reason: String(cString: strerror(errno)))
        }
        position = offset
        if let length {
            end = offset + length
        } else {
            var st = stat()
            end = fstat(fd, &st) == 0 ? Int64(st.st_size) : 0
        }
    }

    deinit { close(fd) }

    private func read(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        try out.withUnsafeMutableBytes { p in
            while done < count {
                let n = pread(fd, p.baseAddress! + done, count - done, off_t(position) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw StorageError.corrupt("spill file \(path) ends at \(position + Int64(done)), expected \(count - done) more bytes")
                }
                done += n
            }
        }
        position += Int64(count)
        return out
    }

    /// The raw bytes of the next frame, or nil at the end of the range.
    func nextFrame() throws -> ByteReader? {
        guard position < end else { return nil }
        let header = try read(16)
        var h = ByteReader(header)
        let raw = Int(try h.readUInt64()), stored = Int(try h.readUInt64())
        guard stored <= end - position else {
            throw StorageError.corrupt("spill file \(path): a frame of \(stored) bytes passes the end of its range")
        }
        let bytes = try LZ4BlockCodec.decompress(try read(stored))
        guard bytes.count == raw else {
            throw StorageError.corrupt("spill file \(path): a frame decompressed to \(bytes.count) bytes, expected \(raw)")
        }
        return ByteReader(bytes)
    }
}
