import Foundation
import Runtime
import Scheduler
import Storage

extension RDD {
    /// Saves the records in the engine's own binary format, as Spark's `saveAsObjectFile`:
    /// `path/part-00000`, … (each a checked, lz4-compressed file whose header names the element
    /// type) and `path/_SUCCESS`, committed as ``saveAsTextFile(_:file:line:)`` commits.
    /// ``EngineContext/objectFile(_:of:file:line:)`` reads them back.
    ///
    /// - Throws: `EngineError.invalidArgument` when the records are neither `Codable` nor pairs
    ///   of `Codable` values; `.outputExists` when `path` exists; otherwise as ``collect(file:line:)``.
    public func saveAsObjectFile(_ path: String, file: String = #fileID, line: Int = #line) throws(EngineError) {
        guard PersistSerializers.dynamic(T.self) != nil else {
            throw .invalidArgument("saveAsObjectFile of \(T.self) records: they must be Codable (or pairs of Codable values)")
        }
        let committer = try FileOutputCommitter(output: path)
        do {
            _ = try context.runJob(self, callSite: "saveAsObjectFile at \(makeCallSite(file, line))",
                                   function: context.recordCall(SaveAsObjectFileAction<T>.self, "saveAsObjectFile",
                                                                inputs: [self], params: [committer.output, committer.jobTag],
                                                                file: file, line: line) {
                                       SaveAsObjectFileAction<T>.make(committer) })
            try committer.commitJob(partitions: numPartitions)
        } catch {
            committer.abortJob()
            throw error
        }
    }
}

extension EngineContext {
    /// The records saved by ``RDD/saveAsObjectFile(_:file:line:)``, read as `T`, one partition per
    /// part file, as Spark's `objectFile`. `path` is listed as ``textFile(_:minPartitions:file:line:)``
    /// lists it (commas, directories, glob patterns; `_SUCCESS` skipped).
    ///
    /// - Throws: `EngineError.inputNotFound` when a path does not exist or a pattern matches no
    ///   file; `.invalidArgument` when a file holds records of another type than `T` (the error
    ///   names both) or `T` is not `Codable`; `.io` when a file is not an object file. A file
    ///   damaged or cut short fails the job that reads it (`corrupt or incomplete object file …`).
    public func objectFile<T>(_ path: String, of type: T.Type = T.self, file: String = #fileID,
                              line: Int = #line) throws(EngineError) -> RDD<T> {
        guard PersistSerializers.dynamic(T.self) != nil else {
            throw .invalidArgument("objectFile of \(T.self) records: they must be Codable (or pairs of Codable values)")
        }
        let files = try InputPaths.files(path)
        let wanted = RecordFile.typeName(T.self)
        for f in files {
            let stored = try ObjectFiles.format.storedTypeName(f)
            guard stored == wanted else {
                throw .invalidArgument("\(f) holds records of type \(stored), not \(wanted): read it as \(stored)")
            }
        }
        let mark = idMark
        return recorded(ObjectFileOperator<T>.self, "objectFile", mark: mark, inputs: [], params: files, file: file, line: line,
                        objectFileRDD(files, of: T.self, file: file, line: line))
    }

    func objectFileRDD<T>(_ files: [String], of: T.Type, file: String, line: Int) -> RDD<T> {
        RDD<T>(context: self, kind: "ObjectFileRDD", operation: "objectFile", numPartitions: files.count, dependencies: [],
               callSite: makeCallSite(file, line)) { p, ctx in
            guard let serializer = PersistSerializers.dynamic(T.self) else {
                throw EngineError.invalidArgument("objectFile of \(T.self) records: they must be Codable")
            }
            let chunks = try ObjectFiles.format.read(files[p], serializer: serializer)
            var i = 0
            return PartitionStream {
                try ctx.checkInterrupted()
                guard i < chunks.count else { return nil }
                defer { i += 1 }
                ctx.updateMetrics { $0.recordsRead += Int64(chunks[i].count) }
                return chunks[i]
            }
        }
    }
}

/// Object files: ``RecordFile``s with magic `ENGOBJ01`.
enum ObjectFiles {
    static let format = RecordFile(magic: Array("ENGOBJ01".utf8), what: "object file")
}
