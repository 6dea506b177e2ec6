import Foundation
import Synchronization

/// Blocks stored as files, as Spark's `DiskStore`, over a ``DiskBlockManager`` that places
/// them in the local directories.
///
/// A put writes a temporary file in the block's directory and renames it into place, so
/// nothing half-written is ever read as a block; a put that fails removes its temporary
/// file. Reads at or above ``memoryMapThreshold`` are memory-mapped.
///
/// Invariant: ``totalSize`` is the sum of the sizes of the blocks put and not removed.
public final class DiskStore: Sendable {
    /// Where block files go.
    public let diskBlockManager: DiskBlockManager
    /// Files of at least this many bytes are read through `mmap` (Spark's
    /// `spark.storage.memoryMapThreshold`, 2 MiB).
    public let memoryMapThreshold: Int64

    // `state` guards the block sizes and the read counters.
    private struct State {
        var sizes: [BlockId: Int64] = [:]
        var mappedReads = 0
    }
    private let state = Mutex(State())

    /// A store writing through `diskBlockManager`.
    public init(diskBlockManager: DiskBlockManager, memoryMapThreshold: Int64 = 2 << 20) {
        self.diskBlockManager = diskBlockManager
        self.memoryMapThreshold = memoryMapThreshold
    }

    /// Writes `bytes` as block `id`, replacing any previous file.
    public func put(_ id: BlockId, bytes: [UInt8]) throws(StorageError) {
        do {
            try put(id) { write in try write(bytes) }
        } catch let e as StorageError {
            throw e
        } catch {
            throw .io(path: id.name, operation: "write block", reason: "\(error)")
        }
    }

    /// Writes block `id` from `body`, which calls `write` with successive pieces. If
    /// `body` or a write throws, the partial file is removed and the error rethrown; a
    /// full disk is reported as such, naming the directory.
    public func put(_ id: BlockId, _ body: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws {
        let path = try diskBlockManager.file(for: id)
        let temp = try diskBlockManager.tempPath(for: id)
        let dir = (path as NSString).deletingLastPathComponent
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StorageError.io(path: dir, operation: "create a file for block \(id) in", reason: FileIO.errnoText())
        }
        var written: Int64 = 0
        do {
            try body { piece in
                try Self.write(piece, fd: fd, id: id, dir: dir)
                written += Int64(piece.count)
            }
            guard close(fd) == 0 else {
                let full = errno == ENOSPC
                throw StorageError.io(path: dir, operation: "close block \(id) in",
                                      reason: full ? "No space left on device: the disk is full" : FileIO.errnoText())
            }
        } catch {
            close(fd)
            FileIO.remove(temp)
            throw error
        }
        do {
            try FileIO.rename(temp, path)
        } catch {
            FileIO.remove(temp)
            throw error
        }
        state.withLock { $0.sizes[id] = written }
    }

    /// The bytes of block `id`: memory-mapped at or above ``memoryMapThreshold``, else read.
    /// Throws ``StorageError/blockNotFound(_:)`` if it is not stored here.
    public func getBytes(_ id: BlockId) throws(StorageError) -> [UInt8] {
        guard let size = getSize(id) else { throw .blockNotFound("\(id) on disk") }
        let path = try diskBlockManager.file(for: id)
        if size < memoryMapThreshold || size == 0 {
            return try FileIO.read(path, offset: 0, count: Int(size))
        }
        let map = try map(path, size: size)
        defer { munmap(map, Int(size)) }
        return Array(UnsafeRawBufferPointer(start: map, count: Int(size)))
    }

    /// Calls `body` with the bytes of block `id`, memory-mapped (no copy) at or above
    /// ``memoryMapThreshold``; the buffer is valid only during the call.
    public func withBytes<R>(_ id: BlockId, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let size = getSize(id) else { throw StorageError.blockNotFound("\(id) on disk") }
        let path = try diskBlockManager.file(for: id)
        if size < memoryMapThreshold || size == 0 {
            return try FileIO.read(path, offset: 0, count: Int(size)).withUnsafeBytes(body)
        }
        let map = try map(path, size: size)
        defer { munmap(map, Int(size)) }
        return try body(UnsafeRawBufferPointer(start: map, count: Int(size)))
    }

    private func map(_ path: String, size: Int64) throws(StorageError) -> UnsafeMutableRawPointer {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, operation: "open for reading", reason: FileIO.errnoText()) }
        defer { close(fd) }
        guard let base = mmap(nil, Int(size), PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw .io(path: path, operation: "memory-map \(size) bytes of", reason: FileIO.errnoText())
        }
        state.withLock { $0.mappedReads += 1 }
        return base
    }

    private static func write(_ piece: [UInt8], fd: Int32, id: BlockId, dir: String) throws(StorageError) {
        let failure: String? = piece.withUnsafeBytes { p in
            var done = 0
            while done < p.count {
                let n = Foundation.write(fd, p.baseAddress! + done, p.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno == ENOSPC ? "No space left on device: the disk is full" : FileIO.errnoText()
                }
                done += n
            }
            return nil
        }
        if let failure { throw .io(path: dir, operation: "write block \(id) into", reason: failure) }
    }

    /// The size of block `id` on disk, if stored here.
    public func getSize(_ id: BlockId) -> Int64? { state.withLock { $0.sizes[id] } }

    /// Whether block `id` is stored here.
    public func contains(_ id: BlockId) -> Bool { getSize(id) != nil }

    /// Removes block `id`'s file; whether it was stored here.
    @discardableResult
    public func remove(_ id: BlockId) -> Bool {
        guard state.withLock({ $0.sizes.removeValue(forKey: id) }) != nil else { return false }
        if let path = try? diskBlockManager.file(for: id) { FileIO.remove(path) }
        return true
    }

    /// Bytes of all blocks stored here.
    public var totalSize: Int64 { state.withLock { $0.sizes.values.reduce(0, +) } }
    /// Blocks stored here.
    public var blockIds: [BlockId] { state.withLock { Array($0.sizes.keys) } }
    /// Reads served through `mmap` so far.
    public var mappedReadCount: Int { state.withLock { $0.mappedReads } }
}
