import Foundation

/// A byte range of one input file, as Hadoop's FileSplit. A line belongs to the split
/// in which its first byte lies.
public struct FileSplit: Sendable, Equatable {
    /// The file's path.
    public let path: String
    /// The offset of the split's first byte in the file.
    public let start: Int64
    /// The split's length in bytes (0 for an empty file's one split).
    public let length: Int64
    /// The offset just past the split: `start + length`.
    public var end: Int64 { start + length }
}

/// Lists input files and cuts them into splits, as Hadoop's FileInputFormat.
enum TextInputFormat {
    /// A file, or the visible regular files of a directory (names not starting with `_` or `.`), sorted.
    static func listFiles(_ path: String) throws(EngineError) -> [(path: String, size: Int64)] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw .inputNotFound(path) }
        var files: [String] = []
        if isDir.boolValue {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                throw .io(path: path, reason: "cannot list the directory (check its permissions)")
            }
            for n in names.sorted() where !n.hasPrefix("_") && !n.hasPrefix(".") {
                let full = (path as NSString).appendingPathComponent(n)
                var sub: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { files.append(full) }
            }
        } else {
            files = [path]
        }
        var result: [(String, Int64)] = []
        for f in files {
            guard access(f, R_OK) == 0 else { throw .io(path: f, reason: "not readable (check its permissions)") }
            var st = stat()
            guard stat(f, &st) == 0 else { throw .io(path: f, reason: String(cString: strerror(errno))) }
            result.append((f, Int64(st.st_size)))
        }
        return result
    }

    /// Splits of at most `blockSize` bytes, aiming at `minPartitions` in all (goal size = total / minPartitions),
    /// with Hadoop's 10% slop for the last split of a file. An empty file gives one empty split.
    static func splits(_ files: [(path: String, size: Int64)], minPartitions: Int, blockSize: Int64) -> [FileSplit] {
        let total = files.reduce(Int64(0)) { $0 + $1.size }
        let goal = total / Int64(max(1, minPartitions))
        let splitSize = max(1, min(goal, blockSize))
        var result: [FileSplit] = []
        for (path, size) in files {
            if size == 0 {
                result.append(FileSplit(path: path, start: 0, length: 0))
                continue
            }
            var remaining = size
            while Double(remaining) / Double(splitSize) > 1.1 {
                result.append(FileSplit(path: path, start: size - remaining, length: splitSize))
                remaining -= splitSize
            }
            if remaining > 0 { result.append(FileSplit(path: path, start: size - remaining, length: remaining)) }
        }
        return result
    }
}
