import Runtime
import Scheduler
import Storage

extension RDD {
    /// Saves the records as text, one a line, in `path/part-00000`, `part-00001`, … and writes
    /// `path/_SUCCESS` when every part is in place. ByteString records are written as their raw
    /// bytes, Strings as UTF-8, anything else as `String(describing:)`. An existing `path` is an
    /// error; a failed job leaves neither `_SUCCESS` nor any part file.
    ///
    /// Mirrors Spark's `RDD.saveAsTextFile`, with Hadoop's FileOutputCommitter protocol: each
    /// task writes an attempt file under `path/_temporary` and renames it when it commits; the
    /// job then moves the parts into place and writes `_SUCCESS` last.
    /// - Throws: `EngineError.outputExists` when `path` exists; `.io` when a directory or file
    ///   cannot be written; otherwise as ``collect(file:line:)``.
    @inlinable
    public func saveAsTextFile(_ path: String, file: String = #fileID, line: Int = #line) throws(EngineError) {
        try saveAsTextFile(path, compression: nil, file: file, line: line)
    }

    /// ``saveAsTextFile(_:file:line:)`` with each part file compressed by `codec`:
    /// `part-00000.gz` (as `gzip` writes: `zcat` reads it) or `part-00000.lz4` (the LZ4 frame
    /// format: `lz4 -dc` reads it). ``EngineContext/textFile(_:minPartitions:file:line:)``
    /// reads them back, one partition per file.
    ///
    /// Mirrors Spark's `RDD.saveAsTextFile(path, codec)`.
    /// - Throws: as ``saveAsTextFile(_:file:line:)``.
    @inlinable
    public func saveAsTextFile(_ path: String, codec: CompressionCodec, file: String = #fileID,
                               line: Int = #line) throws(EngineError) {
        try saveAsTextFile(path, compression: codec, file: file, line: line)
    }

    @inlinable
    func saveAsTextFile(_ path: String, compression: CompressionCodec?, file: String, line: Int) throws(EngineError) {
        let committer = try FileOutputCommitter(output: path, codec: compression)
        do {
            _ = try context.runJob(self, callSite: "saveAsTextFile at \(makeCallSite(file, line))",
                                   function: context.recordCall(SaveAsTextFileAction<T>.self, "saveAsTextFile", inputs: [self],
                                                                params: [committer.output, committer.jobTag]
                                                                    + (compression.map { [$0.rawValue] } ?? []),
                                                                file: file, line: line) {
                                       SaveAsTextFileAction<T>.make(committer) })
            try committer.commitJob(partitions: numPartitions)
        } catch {
            committer.abortJob()
            throw error
        }
    }
}

@usableFromInline
enum SaveAsTextFileAction<T>: RDDOperator {
    @inlinable
    static func make(_ committer: FileOutputCommitter) -> ResultFunction<T, Void> {
        let render: @Sendable (T, inout [UInt8]) -> Void
        // Each `as!` follows its `T.self ==` test, so it cannot fail whatever the records.
        if T.self == ByteString.self {
            render = { x, out in (x as! ByteString).withUnsafeBytes { out.append(contentsOf: $0) } }
        } else if T.self == String.self {
            render = { x, out in out.append(contentsOf: (x as! String).utf8) }
        } else {
            render = { x, out in out.append(contentsOf: String(describing: x).utf8) }
        }
        return ResultFunction(.void) { ctx, stream in
            try committer.writeTask(partition: ctx.partitionId, attempt: ctx.attemptNumber) { out in
                guard let chunk = try stream.next() else { return false }
                for x in chunk {
                    render(x, &out)
                    out.append(UInt8(ascii: "\n"))
                }
                return true
            }
        }
    }

    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params([String].self)
        guard p.count == 2 || p.count == 3 else { throw ShippingError.corrupt("saveAsTextFile parameters") }
        let codec = p.count == 3 ? CompressionCodec(rawValue: p[2]) : nil
        if p.count == 3 && codec == nil { throw ShippingError.corrupt("saveAsTextFile codec \(p[2])") }
        return make(FileOutputCommitter(tasksOf: p[0], jobTag: p[1], codec: codec))
    }
}
