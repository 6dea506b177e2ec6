import Runtime
import Scheduler
import Storage

extension EngineContext {
    /// The lines of a text file, or of every visible file of a directory, as Spark's textFile.
    /// `path` may list several paths separated by commas, each a file, a directory or a glob
    /// pattern (`logs/*.txt`, `{a,b}.txt`), as Hadoop's FileInputFormat reads them; files whose
    /// names start with `_` or `.` are skipped. `.gz` and `.lz4` files are decompressed, each
    /// read whole by one partition (they cannot be split). Other files are cut into byte ranges of at most `engine.files.blockSize` (aiming at
    /// `minPartitions`, default min(defaultParallelism, 2)); a line belongs to the range where
    /// it starts. Lines are decoded as UTF-8 (invalid bytes replaced); use ``textFileBytes(_:minPartitions:file:line:)``
    /// to keep bytes as they are.
    ///
    /// Mirrors Spark's `SparkContext.textFile`. The files are listed when it is called; they are
    /// read by the tasks. Lines end at `\n`, `\r\n` or a lone `\r`, as Hadoop's LineReader; a UTF-8
    /// byte order mark at the start of a file is dropped; an empty file is one empty partition.
    /// - Throws: `EngineError.inputNotFound` when a path does not exist or a pattern matches no
    ///   file; `.io` when a directory cannot be listed or a file is not readable. A damaged
    ///   compressed file fails the job (`corrupt gzip data …`).
    public func textFile(_ path: String, minPartitions: Int? = nil, file: String = #fileID,
                         line: Int = #line) throws(EngineError) -> RDD<String> {
        let mark = idMark
        let out = try lines(path, minPartitions: minPartitions, operation: "textFile", callSite: makeCallSite(file, line)) {
            String(decoding: $0, as: UTF8.self)
        }
        return recorded(TextFileOperator.self, "textFile", mark: mark, inputs: [],
                        params: TextFileParams(path: path, minPartitions: minPartitions), file: file, line: line, out)
    }

    /// The lines of a text file or directory as raw bytes, split like ``textFile(_:minPartitions:file:line:)``.
    ///
    /// Words of a line: `line.words` (split on ASCII whitespace). Prefer it to
    /// ``textFile(_:minPartitions:file:line:)`` for speed: no UTF-8 decoding, and `ByteString`
    /// keeps up to 15 bytes inline.
    /// - Throws: `EngineError.inputNotFound` when `path` does not exist; `.io` when a directory
    ///   cannot be listed or a file is not readable.
    public func textFileBytes(_ path: String, minPartitions: Int? = nil, file: String = #fileID,
                              line: Int = #line) throws(EngineError) -> RDD<ByteString> {
        let mark = idMark
        let out = try lines(path, minPartitions: minPartitions, operation: "textFileBytes", callSite: makeCallSite(file, line)) {
            ByteString($0)
        }
        return recorded(TextFileBytesOperator.self, "textFileBytes", mark: mark, inputs: [],
                        params: TextFileParams(path: path, minPartitions: minPartitions), file: file, line: line, out)
    }

    private func lines<L>(_ path: String, minPartitions: Int?, operation: String, callSite site: String,
                          _ make: @escaping @Sendable (UnsafeRawBufferPointer) -> L) throws(EngineError) -> RDD<L> {
        let files = try TextInputFormat.listFiles(path)
        let splits = TextInputFormat.splits(files, minPartitions: minPartitions ?? defaultMinPartitions,
                                            blockSize: conf.get(EngineKeys.filesBlockSize))
        logger.info("Input \(path): \(files.count) file(s), \(splits.count) split(s)")
        return RDD<L>(context: self, kind: "TextFileRDD", operation: operation, numPartitions: splits.count,
                      dependencies: [], callSite: site) { p, ctx in
            let reader = try LineReader(splits[p])
            var reported: Int64 = 0
            return PartitionStream {
                try ctx.checkInterrupted()
                let lines = try reader.nextLines(max: 512, make)
                let delta = reader.bytesRead - reported
                reported = reader.bytesRead
                ctx.updateMetrics {
                    $0.bytesRead += delta
                    $0.recordsRead += Int64(lines?.count ?? 0)
                }
                return lines
            }
        }
    }
}
