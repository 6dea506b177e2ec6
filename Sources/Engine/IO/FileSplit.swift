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
    /// The files of `path` (see ``InputPaths``: commas, directories, glob patterns) with their sizes.
    static func listFiles(_ path: String) throws(EngineError) -> [(path: String, size: Int64)] {
        let files = try InputPaths.files(path)
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
    /// with Hadoop's 10% slop for the last split of a file. An empty file gives one empty split,
    /// as Hadoop's getSplits; a compressed file (`.gz`, `.lz4`) one split of the whole file.
    static func splits(_ files: [(path: String, size: Int64)], minPartitions: Int, blockSize: Int64) -> [FileSplit] {
        let total = files.reduce(Int64(0)) { $0 + $1.size }
        let goal = total / Int64(max(1, minPartitions))
        let splitSize = max(1, min(goal, blockSize))
        var result: [FileSplit] = []
        for (path, size) in files {
            if size == 0 || InputCodec(path: path) != nil {
                result.append(FileSplit(path: path, start: 0, length: size))
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
