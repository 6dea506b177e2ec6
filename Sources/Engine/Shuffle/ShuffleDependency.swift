import Scheduler
import Storage

/// A shuffle dependency, as Spark's ShuffleDependency: the map side is an RDD of
/// `(K, V)` pairs; each map task partitions its records by key (combining values
/// first when the aggregator allows it), and writes one data file and one index
/// file, segments ordered by reduce partition, lz4-compressed when
/// `engine.shuffle.compress` is on.
@usableFromInline
final class ShuffleDependency<K: Hashable, V>: ShuffleDependencyBase, ShuffleMapRunning, @unchecked Sendable {
    // Unchecked: all stored properties are immutable and their closures @Sendable.
    let rdd: RDD<(K, V)>
    let partitioner: any Partitioner
    /// Writes one map partition's records to the map output, reduce partition after reduce partition.
    let writeRecords: @Sendable (PartitionStream<(K, V)>, TaskContext, ShuffleMapOutputWriter) throws -> Void
    /// The RDD whose recorded operator call made this dependency.
    let rootBox = ShuffleRootBox()

    @usableFromInline
    init(rdd: RDD<(K, V)>, partitioner: any Partitioner,
         writeRecords: @escaping @Sendable (PartitionStream<(K, V)>, TaskContext, ShuffleMapOutputWriter) throws -> Void) {
        self.rdd = rdd
        self.partitioner = partitioner
        self.writeRecords = writeRecords
        super.init(shuffleId: rdd.context.newShuffleId(), mapSide: rdd, numReducePartitions: partitioner.numPartitions)
    }

    func runMapTask(partition: Int, context: TaskContext) throws -> MapStatus {
        let input = try rdd.iterator(partition, context)
        let env = context.env
        let writer = try ShuffleMapOutputWriter(resolver: env.blockManager.shuffleResolver, shuffleId: shuffleId,
                                                mapId: Int(context.taskAttemptId), numPartitions: numReducePartitions,
                                                compress: env.shuffleCompress)
        do {
            try writeRecords(input, context, writer)
            let lengths = try writer.commit()
            let written = lengths.reduce(0, +)
            context.updateMetrics { $0.shuffleBytesWritten += written }
            return MapStatus(location: env.blockManager.blockManagerId, sizes: lengths, mapIndex: partition,
                             mapId: context.taskAttemptId)
        } catch {
            writer.abort()
            throw error
        }
    }
}

/// Builds the map-side record writers; `@inlinable` so they specialize in the caller's module.
@usableFromInline
enum ShuffleWriters {
    /// Combines values by key in a spillable hash map, then writes `(K, C)` per reduce partition.
    @inlinable
    static func combining<K: Hashable & SendableMetatype, V, C>(
        aggregator: Aggregator<V, C>, partition: @escaping @Sendable (K) throws -> Int, numPartitions: Int,
        key: ElementCodec<K>, combiner: ElementCodec<C>
    ) -> @Sendable (PartitionStream<(K, V)>, TaskContext, ShuffleMapOutputWriter) throws -> Void {
        { input, ctx, writer in
            let map = ExternalCombineMap<K, C>(context: ctx, key: key, combiner: combiner,
                                               mergeCombiners: aggregator.mergeCombiners, partition: partition)
            var records: Int64 = 0
            try input.forEachRecord { kv in
                records += 1
                try map.upsert(kv.0, kv.1, create: aggregator.createCombiner, merge: aggregator.mergeValue)
            }
            let written: Int64
            if map.hasSpilled {
                written = try map.writeMerged(to: writer)
            } else {
                var buffers = [ByteWriter](repeating: ByteWriter(), count: numPartitions)
                try map.map.forEach { k, c in
                    let p = try partition(k)
                    try key.write(k, &buffers[p])
                    try combiner.write(c, &buffers[p])
                }
                for (reduceId, buffer) in buffers.enumerated() where buffer.count > 0 {
                    try buffer.bytes.withUnsafeBytes { raw in try writer.writePartition(reduceId, raw) }
                }
                written = Int64(map.map.count)
            }
            ctx.updateMetrics {
                $0.recordsRead += records
                $0.shuffleRecordsWritten += written
            }
        }
    }

    /// Writes every `(K, V)` record to its reduce partition's buffer, spilling the buffers when memory is refused.
    @inlinable
    static func plain<K, V>(
        partition: @escaping @Sendable (K) throws -> Int, numPartitions: Int, key: ElementCodec<K>, value: ElementCodec<V>
    ) -> @Sendable (PartitionStream<(K, V)>, TaskContext, ShuffleMapOutputWriter) throws -> Void {
        { input, ctx, writer in
            var buffers = PartitionedBuffers<K, V>(numPartitions: numPartitions, key: key, value: value, context: ctx)
            var records: Int64 = 0
            try input.forEachRecord { kv in
                records += 1
                try buffers.append(kv.0, kv.1, to: try partition(kv.0))
            }
            try buffers.write(to: writer)
            ctx.updateMetrics {
                $0.recordsRead += records
                $0.shuffleRecordsWritten += records
            }
        }
    }
}

extension ShuffleDependency: ShuffleRootBox.Holder, ReplayRooted {
    var replayRoot: (any LineageNode)? { rootBox.root }
}
