import Foundation
import Runtime
import Scheduler
import Storage

extension EngineContext {
    /// Every file of `path` as one record `(path, content)`, as Spark's `wholeTextFiles`: `path`
    /// is read as ``textFile(_:minPartitions:file:line:)`` reads it (comma-separated paths,
    /// directories, glob patterns; `_` and `.` files skipped), `.gz` and `.lz4` files are
    /// decompressed, contents are decoded as UTF-8 (invalid bytes replaced). Files are grouped
    /// in order into about `minPartitions` partitions of similar total size (default
    /// min(defaultParallelism, 2)); a partition holds whole files. The key is the file's path as
    /// listed (Spark's is a `file:` URI).
    ///
    /// - Throws: `EngineError.inputNotFound` when a path does not exist or a pattern matches
    ///   no file; `.io` when a directory cannot be listed or a file is not readable.
    public func wholeTextFiles(_ path: String, minPartitions: Int? = nil, file: String = #fileID,
                               line: Int = #line) throws(EngineError) -> RDD<(String, String)> {
        let mark = idMark
        let groups = try WholeFileGroups.of(path, minPartitions: minPartitions ?? defaultMinPartitions)
        return recorded(WholeTextFilesOperator.self, "wholeTextFiles", mark: mark, inputs: [], params: groups,
                        file: file, line: line, wholeTextFilesRDD(groups, file: file, line: line))
    }

    /// Every file of `path` as one record `(path, bytes)`, as Spark's `binaryFiles`: listed and
    /// grouped as ``wholeTextFiles(_:minPartitions:file:line:)``, bytes as they are on disk
    /// (nothing decompressed).
    ///
    /// - Throws: as ``wholeTextFiles(_:minPartitions:file:line:)``.
    public func binaryFiles(_ path: String, minPartitions: Int? = nil, file: String = #fileID,
                            line: Int = #line) throws(EngineError) -> RDD<(String, [UInt8])> {
        let mark = idMark
        let groups = try WholeFileGroups.of(path, minPartitions: minPartitions ?? defaultMinPartitions)
        return recorded(BinaryFilesOperator.self, "binaryFiles", mark: mark, inputs: [], params: groups,
                        file: file, line: line, binaryFilesRDD(groups, file: file, line: line))
    }

    func wholeTextFilesRDD(_ groups: WholeFileGroups, file: String, line: Int) -> RDD<(String, String)> {
        wholeFilesRDD(groups, kind: "WholeTextFileRDD", operation: "wholeTextFiles", file: file, line: line) { path in
            String(decoding: try WholeFileGroups.read(path, decompress: true), as: UTF8.self)
        }
    }

    func binaryFilesRDD(_ groups: WholeFileGroups, file: String, line: Int) -> RDD<(String, [UInt8])> {
        wholeFilesRDD(groups, kind: "BinaryFileRDD", operation: "binaryFiles", file: file, line: line) { path in
            try WholeFileGroups.read(path, decompress: false)
        }
    }

    private func wholeFilesRDD<V>(_ groups: WholeFileGroups, kind: String, operation: String, file: String, line: Int,
                                  _ read: @escaping @Sendable (String) throws -> V) -> RDD<(String, V)> {
        let parts = groups.partitions
        return RDD<(String, V)>(context: self, kind: kind, operation: operation, numPartitions: parts.count,
                                dependencies: [], callSite: makeCallSite(file, line)) { p, ctx in
            var next = 0
            return PartitionStream {
                try ctx.checkInterrupted()
                guard next < parts[p].count else { return nil }
                let path = parts[p][next]
                next += 1
                let value = try read(path)
                ctx.updateMetrics { $0.recordsRead += 1 }
                return [(path, value)]
            }
        }
    }
}

/// The files of a whole-file source, grouped into partitions: the listing travels with the
/// call, so executors read exactly the files the driver listed.
struct WholeFileGroups: Codable, Sendable {
    /// Each partition's files, in order.
    var partitions: [[String]]

    /// The files of `path` grouped in order into about `minPartitions` groups of similar total
    /// size, as Spark's CombineFileInputFormat with a maximum split size of total / minPartitions.
    static func of(_ path: String, minPartitions: Int) throws(EngineError) -> WholeFileGroups {
        let files = try TextInputFormat.listFiles(path)
        let total = files.reduce(Int64(0)) { $0 + $1.size }
        let target = max(1, total / Int64(max(1, minPartitions)))
        var groups: [[String]] = []
        var current: [String] = []
        var size: Int64 = 0
        for f in files {
            current.append(f.path)
            size += f.size
            if size >= target {
                groups.append(current)
                current = []
                size = 0
            }
        }
        if !current.isEmpty { groups.append(current) }
        return WholeFileGroups(partitions: groups)
    }

    /// The bytes of the file at `path`, decompressed (by suffix) when asked.
    static func read(_ path: String, decompress: Bool) throws -> [UInt8] {
        if decompress, let codec = InputCodec(path: path) {
            let source = try codec.open(path)
            var out: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = try chunk.withUnsafeMutableBytes { (b) throws(EngineError) -> Int in try source.read(into: b, at: 0) }
                if n == 0 { return out }
                out.append(contentsOf: chunk[0..<n])
            }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError.io(path: path, reason: "cannot read the file (was it removed, or is it not readable?)")
        }
        return [UInt8](data)
    }
}
