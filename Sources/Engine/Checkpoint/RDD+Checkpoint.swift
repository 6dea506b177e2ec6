import Foundation
import Runtime
import Scheduler
import Storage

extension RDD where T: Codable & SendableMetatype {
    /// Marks this RDD for checkpointing, as Spark's `checkpoint()`: after the first action that
    /// computes it, a job writes its partitions under the context's checkpoint directory (each
    /// task, on whichever executor runs it, writes a temporary attempt file and renames it), and
    /// from then on the RDD reads those files and has no parents. The directory must be one
    /// every executor reaches (a shared file system). Persist the RDD first to avoid computing
    /// it twice.
    ///
    /// Files are checked when read: a truncated or damaged file fails the job with
    /// `EngineError.io` (`corrupt or incomplete checkpoint file …`) instead of giving fewer records.
    /// - Throws: `EngineError.invalidArgument` when ``EngineContext/setCheckpointDir(_:)`` was not called.
    public func checkpoint() throws(EngineError) {
        try markReliableCheckpoint()
    }

    /// Marks this RDD for a local checkpoint, as Spark's `localCheckpoint()`: the RDD is
    /// persisted (at `MEMORY_AND_DISK` unless it already has a level), after the first action
    /// its partitions are kept in the BlockManagers of the executors that computed them, and
    /// its lineage is cut. Faster than ``checkpoint()-139dx`` but not fault tolerant: a job
    /// that needs a block lost with its executor fails (`local checkpoint block … not found`).
    ///
    /// As in Spark, it replaces a ``checkpoint()-139dx`` mark not yet written, and is ignored
    /// (with a warning) once a checkpoint was written; ``checkpoint()-139dx`` after it changes nothing.
    public func localCheckpoint() {
        markLocalCheckpoint()
    }
}

extension RDD {
    /// ``checkpoint()`` for pair RDDs.
    ///
    /// - Throws: `EngineError.invalidArgument` when ``EngineContext/setCheckpointDir(_:)`` was not called.
    public func checkpoint<K: Codable & SendableMetatype, V: Codable & SendableMetatype>() throws(EngineError)
    where T == (K, V) {
        try markReliableCheckpoint()
    }

    /// ``localCheckpoint()`` for pair RDDs.
    public func localCheckpoint<K: Codable & SendableMetatype, V: Codable & SendableMetatype>() where T == (K, V) {
        markLocalCheckpoint()
    }

    /// True once the checkpoint (reliable or local) was written and the lineage cut.
    ///
    /// Mirrors Spark's `RDD.isCheckpointed`.
    public var isCheckpointed: Bool { checkpointState.isCheckpointed }

    /// True once the RDD was marked by ``localCheckpoint()-5jy81``, written or not.
    ///
    /// Mirrors Spark's `RDD.isLocallyCheckpointed`.
    public var isLocallyCheckpointed: Bool { checkpointState.requested == .local }

    /// The directory of this RDD's checkpoint files, once a reliable checkpoint was written
    /// (nil before, and for a local checkpoint).
    ///
    /// Mirrors Spark's `RDD.getCheckpointFile`.
    public var checkpointFile: String? {
        if case .reliable(let dir)? = checkpointState.written { return dir }
        return nil
    }

    /// ``checkpointFile``, under its earlier name.
    public var checkpointLocation: String? { checkpointFile }

    /// The call site as the file and line an operator call records.
    private var callSiteFileAndLine: (file: String, line: Int) {
        guard let colon = callSite.lastIndex(of: ":"), let line = Int(callSite[callSite.index(after: colon)...]) else {
            return (callSite, 0)
        }
        return (String(callSite[..<colon]), line)
    }

    func markReliableCheckpoint() throws(EngineError) {
        guard let root = context.checkpointDir else {
            throw .invalidArgument("checkpoint() needs a checkpoint directory: call setCheckpointDir(_:) first")
        }
        let dir = "\(root)/rdd-\(id)"
        let n = numPartitions
        let site = callSiteFileAndLine
        // Weak: the RDD holds its checkpoint state, which holds this closure until it has run.
        checkpointState.mark(.reliable(dir: dir)) { [weak self] in
            guard let self else { throw EngineError.invalidArgument("checkpoint of an RDD that no longer exists") }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            _ = try context.runJob(self, callSite: "checkpoint at \(callSite)", writesCheckpoints: false,
                                   function: context.recordCall(CheckpointWriteAction<T>.self, "checkpoint", inputs: [self],
                                                                params: dir, file: site.file, line: site.line) {
                                       CheckpointWriteAction<T>.make(dir: dir) })
            for p in 0..<n where !FileManager.default.fileExists(atPath: CheckpointFiles.partPath(dir, p)) {
                throw EngineError.io(path: CheckpointFiles.partPath(dir, p), reason: "checkpoint file missing after writing "
                                     + "(is the checkpoint directory shared by the driver and every executor?)")
            }
            // As Spark: the files stay after the RDD is released unless the configuration says otherwise.
            if let cleaner = context.cleaner, cleaner.cleanCheckpoints {
                cleanupTokens.register(.checkpoint(rddId: id, path: dir), with: cleaner)
            }
        }
    }

    func markLocalCheckpoint() {
        if storageLevel == .NONE {
            do {
                try persist(.MEMORY_AND_DISK)
            } catch {
                context.logger.warning("localCheckpoint() of \(debugName) ignored: \(error)")
                return
            }
        }
        let site = callSiteFileAndLine
        if case .reliable? = checkpointState.requested, !checkpointState.isCheckpointed {
            context.logger.warning("\(debugName) was marked for checkpoint(): localCheckpoint() replaces the mark")
        }
        let marked = checkpointState.markReplacing(.local) { [weak self] in
            guard let self else { throw EngineError.invalidArgument("local checkpoint of an RDD that no longer exists") }
            _ = try context.runJob(self, callSite: "localCheckpoint at \(callSite)", writesCheckpoints: false,
                                   function: context.recordCall(LocalCheckpointAction<T>.self, "localCheckpoint",
                                                                inputs: [self], file: site.file, line: site.line) {
                                       LocalCheckpointAction<T>.make() })
        }
        if !marked {
            context.logger.warning("localCheckpoint() of \(debugName) ignored: it was already checkpointed")
        }
    }

    /// Partition `partition` from where the checkpoint was written.
    @usableFromInline
    func readCheckpoint(_ kind: CheckpointKind, _ partition: Int, _ ctx: TaskContext) throws -> PartitionStream<T> {
        switch kind {
        case .reliable(let dir):
            guard let serializer = PersistSerializers.dynamic(T.self) else {
                throw EngineError.invalidArgument("reading the checkpoint of \(debugName): \(T.self) records are not Codable")
            }
            return try CheckpointFiles.readPartition(CheckpointFiles.partPath(dir, partition), serializer: serializer)
        case .local:
            let block = BlockId.rdd(rddId: id, partition: partition)
            let lost = EngineError.io(path: "rdd_\(id)_\(partition)", reason: "local checkpoint block of \(debugName) "
                                      + "not found: the executor that kept it is gone or the RDD was unpersisted; local "
                                      + "checkpoints are not fault tolerant: use checkpoint() to survive lost executors")
            guard let persisted = persistState.active else { throw lost }
            if let chunks = try ctx.env.blockManager.getValues(block, serializer: persisted.serializer, task: ctx.taskAttemptId) {
                return PersistStreams.of(chunks)
            }
            if let chunks = remoteValues(block, ctx, serializer: persisted.serializer) { return PersistStreams.of(chunks) }
            throw lost
        }
    }
}
