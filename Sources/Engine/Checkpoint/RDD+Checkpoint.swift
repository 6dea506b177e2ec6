import Foundation
import Runtime
import Scheduler
import Storage

extension RDD where T: Codable & SendableMetatype {
    /// Marks this RDD for checkpointing, as Spark's `checkpoint()`: after the first action that
    /// computes it, a job writes its partitions under the context's checkpoint directory (each
    /// task writes a temporary attempt file and renames it), and from then on the RDD reads
    /// those files and has no parents. Persist the RDD first to avoid computing it twice.
    /// Throws when no checkpoint directory was set.
    /// Checkpointing is local mode only for now: a job that needs it with executors in other
    /// processes fails with `checkpoint at File.swift:N is not supported in cluster mode yet`.
    /// - Throws: `EngineError.invalidArgument` when ``EngineContext/setCheckpointDir(_:)`` was not called.
    public func checkpoint() throws(EngineError) {
        try markReliableCheckpoint(codec: .codable)
    }

    /// Marks this RDD for a local checkpoint: after the first action its partitions are kept
    /// in the executors' BlockManagers and its lineage is cut. Faster than ``checkpoint()-139dx`` but
    /// not fault tolerant: a lost block cannot be recomputed.
    ///
    /// Mirrors Spark's `RDD.localCheckpoint`; local mode only for now, as ``checkpoint()-139dx``.
    public func localCheckpoint() {
        markLocalCheckpoint(codec: .codable)
    }
}

extension RDD {
    /// ``checkpoint()`` for pair RDDs.
    ///
    /// - Throws: `EngineError.invalidArgument` when ``EngineContext/setCheckpointDir(_:)`` was not called.
    public func checkpoint<K: Codable & SendableMetatype, V: Codable & SendableMetatype>() throws(EngineError)
    where T == (K, V) {
        try markReliableCheckpoint(codec: .pair(K.self, V.self))
    }

    /// ``localCheckpoint()`` for pair RDDs.
    public func localCheckpoint<K: Codable & SendableMetatype, V: Codable & SendableMetatype>() where T == (K, V) {
        markLocalCheckpoint(codec: .pair(K.self, V.self))
    }

    /// True once the checkpoint was written and the lineage cut.
    ///
    /// Mirrors Spark's `RDD.isCheckpointed`.
    public var isCheckpointed: Bool { checkpointState.isCheckpointed }

    /// Where the checkpoint was written, once it was.
    ///
    /// Mirrors Spark's `RDD.getCheckpointFile`.
    public var checkpointLocation: String? { checkpointState.location }

    func markReliableCheckpoint(codec: ElementCodec<T>) throws(EngineError) {
        guard let root = context.checkpointDir else {
            throw .invalidArgument("checkpoint() needs a checkpoint directory: call setCheckpointDir(_:) first")
        }
        let dir = "\(root)/rdd-\(id)"
        let n = numPartitions
        // Weak: the RDD holds its checkpoint state, which holds this closure until it has run.
        checkpointState.mark { [weak self] in
            guard let self else { throw EngineError.invalidArgument("checkpoint of an RDD that no longer exists") }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            _ = try context.runJob(self, callSite: "checkpoint at \(callSite)", writesCheckpoints: false) { ctx, stream in
                try CheckpointFiles.writePartition(stream, codec: codec, to: CheckpointFiles.partPath(dir, ctx.partitionId),
                                                   attempt: ctx.taskAttemptId)
            }
            for p in 0..<n where !FileManager.default.fileExists(atPath: CheckpointFiles.partPath(dir, p)) {
                throw EngineError.io(path: CheckpointFiles.partPath(dir, p), reason: "checkpoint file missing after writing")
            }
            // As Spark: the files stay after the RDD is released unless the configuration says otherwise.
            if let cleaner = context.cleaner, cleaner.cleanCheckpoints {
                cleanupTokens.register(.checkpoint(rddId: id, path: dir), with: cleaner)
            }
            return { p, _ in try CheckpointFiles.readPartition(CheckpointFiles.partPath(dir, p), codec: codec) }
        }
    }

    func markLocalCheckpoint(codec: ElementCodec<T>) {
        let rddId = id
        // A local checkpoint's blocks are the RDD's cached blocks: they go when it is released.
        cleanupTokens.register(.rdd(id), with: context.cleaner)
        checkpointState.mark { [weak self] in
            guard let self else { throw EngineError.invalidArgument("local checkpoint of an RDD that no longer exists") }
            _ = try context.runJob(self, callSite: "localCheckpoint at \(callSite)", writesCheckpoints: false) { ctx, stream in
                var w = ByteWriter()
                try stream.forEachRecord { try codec.write($0, &w) }
                var packed: [UInt8] = []
                w.bytes.withUnsafeBytes { LZ4BlockCodec.compress($0, into: &packed) }
                try ctx.env.blockManager.putBytes(.rdd(rddId: rddId, partition: ctx.partitionId), packed)
            }
            return { p, ctx in
                guard let packed = ctx.env.blockManager.getBytes(.rdd(rddId: rddId, partition: p)) else {
                    throw EngineError.io(path: "rdd_\(rddId)_\(p)", reason: "local checkpoint block lost; local "
                                         + "checkpoints are not fault tolerant: use checkpoint() to survive lost blocks")
                }
                return try CheckpointFiles.decode(try LZ4BlockCodec.decompress(packed), codec: codec)
            }
        }
    }
}

/// Checkpoint files: one per partition, `rdd-ID/part-NNNNN`, records in the binary format,
/// lz4-compressed in blocks (each checksummed), written to a temporary attempt file first.
enum CheckpointFiles {
    static func partPath(_ dir: String, _ partition: Int) -> String {
        let digits = String(partition)
        return "\(dir)/part-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    static func writePartition<T>(_ stream: PartitionStream<T>, codec: ElementCodec<T>, to path: String,
                                  attempt: Int64) throws {
        var records = ByteWriter(capacity: 1 << 20)
        var packed: [UInt8] = []
        try stream.forEachRecord { x in
            try codec.write(x, &records)
            if records.count >= 1 << 20 {
                records.bytes.withUnsafeBytes { LZ4BlockCodec.compress($0, into: &packed) }
                records.removeAll()
            }
        }
        records.bytes.withUnsafeBytes { LZ4BlockCodec.compress($0, into: &packed) }
        let temp = "\(path).attempt-\(attempt)"
        guard FileManager.default.createFile(atPath: temp, contents: Data(packed)) else {
            throw EngineError.io(path: temp, reason: "cannot write the checkpoint file (is the disk full or read-only?)")
        }
        // The first attempt to finish wins; a later one finds the file in place and discards its own.
        if rename(temp, path) != 0 || !FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.removeItem(atPath: temp)
            throw EngineError.io(path: path, reason: "cannot move the checkpoint file into place: \(String(cString: strerror(errno)))")
        }
    }

    static func readPartition<T>(_ path: String, codec: ElementCodec<T>) throws -> PartitionStream<T> {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError.io(path: path, reason: "checkpoint file missing or unreadable")
        }
        return try decode(try LZ4BlockCodec.decompress([UInt8](data)), codec: codec)
    }

    static func decode<T>(_ raw: [UInt8], codec: ElementCodec<T>) throws -> PartitionStream<T> {
        var reader = ByteReader(raw)
        return PartitionStream {
            guard !reader.isAtEnd else { return nil }
            var chunk: [T] = []
            chunk.reserveCapacity(4096)
            while chunk.count < 4096 && !reader.isAtEnd { chunk.append(try codec.read(&reader)) }
            return chunk
        }
    }
}
