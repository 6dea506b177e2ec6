import Foundation
import Synchronization

/// Maps block ids to files on local disk, as Spark's DiskBlockManager does.
///
/// Each root directory gets a fresh `engine-<random>` directory holding
/// `subDirsPerLocalDir` two-hex-digit subdirectories, created on demand. A
/// block's directory is chosen by a stable hash (FNV-1a) of its name, so every
/// process maps the same id to the same place.
///
/// Invariant: after ``stop()`` no file or directory is created.
public final class DiskBlockManager: Sendable {
    /// The `engine-<random>` directories, one per root.
    public let localDirs: [String]
    /// Number of subdirectories in each local directory.
    public let subDirsPerLocalDir: Int

    private struct State {
        var created: Set<String> = []
        var stopped = false
    }
    private let state = Mutex(State())

    /// Creates a fresh directory under each of `rootDirs`.
    ///
    /// Throws ``StorageError/io(path:operation:reason:)`` naming the root that is
    /// missing or not writable.
    public init(rootDirs: [String], subDirsPerLocalDir: Int = 64) throws(StorageError) {
        guard !rootDirs.isEmpty else {
            throw .io(path: "(none)", operation: "create local directories", reason: "no root directory given; pass at least one writable directory")
        }
        guard subDirsPerLocalDir > 0 else {
            throw .io(path: rootDirs[0], operation: "create local directories", reason: "subDirsPerLocalDir must be positive, got \(subDirsPerLocalDir)")
        }
        var dirs: [String] = []
        for root in rootDirs {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
                for d in dirs { try? FileManager.default.removeItem(atPath: d) }
                throw .io(path: root, operation: "create local directory under", reason: "it does not exist or is not a directory; create it or choose another local dir")
            }
            let dir = (root as NSString).appendingPathComponent("engine-\(UUID().uuidString.lowercased())")
            guard mkdir(dir, 0o755) == 0 else {
                let reason = FileIO.errnoText()
                for d in dirs { try? FileManager.default.removeItem(atPath: d) }
                throw .io(path: dir, operation: "create local directory", reason: "\(reason); make \(root) writable or choose another local dir")
            }
            dirs.append(dir)
        }
        localDirs = dirs
        self.subDirsPerLocalDir = subDirsPerLocalDir
        LocalDirCleaner.remember(dirs)
    }

    /// FNV-1a, 64-bit: stable across processes and runs, unlike `Hasher`.
    @usableFromInline
    static func stableHash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        return h
    }

    /// The directory that holds `id`'s file, created if needed.
    private func directory(for name: String) throws(StorageError) -> String {
        let h = Self.stableHash(name)
        let dirId = Int(h % UInt64(localDirs.count))
        let subDirId = Int((h / UInt64(localDirs.count)) % UInt64(subDirsPerLocalDir))
        let sub = (localDirs[dirId] as NSString).appendingPathComponent(String(format: "%02x", subDirId))
        let failure: StorageError? = state.withLock { s in
            if s.stopped {
                return .io(path: sub, operation: "create block directory", reason: "the disk block manager was stopped")
            }
            if s.created.contains(sub) { return nil }
            if mkdir(sub, 0o755) != 0 && errno != EEXIST {
                return .io(path: sub, operation: "create block directory", reason: FileIO.errnoText())
            }
            s.created.insert(sub)
            return nil
        }
        if let failure { throw failure }
        return sub
    }

    /// The path of `id`'s file (its directory is created; the file is not).
    public func file(for id: BlockId) throws(StorageError) -> String {
        let name = id.name
        return (try directory(for: name) as NSString).appendingPathComponent(name)
    }

    /// A unique temporary path in the same directory as `id`'s file, for
    /// writing it before renaming it into place.
    public func tempPath(for id: BlockId) throws(StorageError) -> String {
        let name = id.name
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return (try directory(for: name) as NSString).appendingPathComponent("\(name).tmp-\(suffix)")
    }

    /// Removes the local directories and everything in them.
    public func stop() {
        let first = state.withLock { s in
            defer { s.stopped = true }
            return !s.stopped
        }
        guard first else { return }
        for d in localDirs { try? FileManager.default.removeItem(atPath: d) }
        LocalDirCleaner.forget(localDirs)
    }
}
