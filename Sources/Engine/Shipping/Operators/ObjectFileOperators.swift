import Runtime
import Scheduler
import Storage

/// The job function of `saveAsObjectFile`: each task writes its partition as an object file
/// through the output committer.
enum SaveAsObjectFileAction<T>: RDDOperator {
    static func make(_ committer: FileOutputCommitter) -> ResultFunction<T, Void> {
        ResultFunction(.void) { ctx, stream in
            guard let serializer = PersistSerializers.dynamic(T.self) else {
                throw EngineError.invalidArgument("saveAsObjectFile of \(T.self) records: they must be Codable")
            }
            var writer = RecordFile.Writer(ObjectFiles.format, serializer: serializer)
            var done = false
            try committer.writeTask(partition: ctx.partitionId, attempt: ctx.attemptNumber) { out in
                guard !done else { return false }
                if let chunk = try stream.next() {
                    try writer.append(chunk)
                } else {
                    writer.finish()
                    done = true
                }
                out += writer.out
                writer.out.removeAll(keepingCapacity: true)
                return !done
            }
        }
    }

    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params([String].self)
        guard p.count == 2 else { throw ShippingError.corrupt("saveAsObjectFile parameters") }
        return make(FileOutputCommitter(tasksOf: p[0], jobTag: p[1]))
    }
}

/// Rebuilds `objectFile` from the files the driver listed.
enum ObjectFileOperator<T>: RDDOperator {
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        i.context.objectFileRDD(try i.params([String].self), of: T.self, file: i.file, line: i.line)
    }
}
