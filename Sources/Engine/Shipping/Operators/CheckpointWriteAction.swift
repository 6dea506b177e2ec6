import Runtime
import Scheduler
import Storage

/// The job function that writes a reliable checkpoint: each task writes its partition to
/// `dir/part-NNNNN` (see ``CheckpointFiles``), on whichever executor it runs.
enum CheckpointWriteAction<T>: RDDOperator {
    static func make(dir: String) -> ResultFunction<T, Void> {
        ResultFunction(.void) { ctx, stream in
            guard let serializer = PersistSerializers.dynamic(T.self) else {
                throw EngineError.invalidArgument("checkpoint of \(T.self) records: they are not Codable")
            }
            try CheckpointFiles.writePartition(stream, serializer: serializer, to: CheckpointFiles.partPath(dir, ctx.partitionId),
                                               attempt: ctx.taskAttemptId)
        }
    }

    static func replay(_ i: ReplayInput) throws -> AnyObject { make(dir: try i.params(String.self)) }
}

/// The job function that writes a local checkpoint: computing each partition of the persisted
/// RDD caches it in the BlockManager of the executor that ran the task.
enum LocalCheckpointAction<T>: RDDOperator {
    static func make() -> ResultFunction<T, Void> {
        ResultFunction(.void) { _, stream in try stream.forEachRecord { _ in } }
    }

    static func replay(_ i: ReplayInput) throws -> AnyObject { make() }
}
