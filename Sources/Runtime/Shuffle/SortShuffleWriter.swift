import Scheduler
import Storage

/// The map side of a shuffle that combines by key, as Spark's SortShuffleWriter with a
/// map-side aggregator: values are combined by key in an ``ExternalAppendOnlyMap``, which
/// spills runs sorted by (reduce partition, key hash) when execution memory is refused (where
/// Spark's writer sorts in an ExternalSorter); then each reduce partition's `(K, C)` records
/// are written to the map output in reduce partition order, merged from the runs and the map
/// if it spilled.
///
/// One per map task; `@inlinable` so that it specializes in the job's module (where
/// ``SortShuffleManager/registerShuffle(partition:numPartitions:aggregator:key:combiner:)`` builds it).
@usableFromInline
package struct SortShuffleWriter<K: Hashable & SendableMetatype, V, C> {
    /// How values combine.
    @usableFromInline package let aggregator: Aggregator<V, C>
    /// The reduce partition of a key.
    @usableFromInline package let partition: @Sendable (K) throws -> Int
    /// Number of reduce partitions.
    @usableFromInline package let numPartitions: Int
    /// Encodes keys.
    @usableFromInline package let key: ElementCodec<K>
    /// Encodes combiners.
    @usableFromInline package let combiner: ElementCodec<C>
    /// The map task.
    @usableFromInline package let context: TaskContext

    /// A writer for `context`'s map task: `partition` sends a key to one of `numPartitions` reduce partitions.
    @inlinable
    package init(aggregator: Aggregator<V, C>, partition: @escaping @Sendable (K) throws -> Int, numPartitions: Int,
                 key: ElementCodec<K>, combiner: ElementCodec<C>, context: TaskContext) {
        self.aggregator = aggregator
        self.partition = partition
        self.numPartitions = numPartitions
        self.key = key
        self.combiner = combiner
        self.context = context
    }

    /// Combines `records` by key and writes the combiners to `output`, reduce partition after reduce partition.
    @inlinable
    package func write(_ records: PartitionStream<(K, V)>, to output: ShuffleMapOutputWriter) throws {
        let ctx = context, key = key, combiner = combiner, partition = partition, aggregator = aggregator
        let map = ExternalAppendOnlyMap<K, C>(context: ctx, key: key, combiner: combiner,
                                              mergeCombiners: aggregator.mergeCombiners, partition: partition)
        var count: Int64 = 0
        try records.forEachRecord { kv in
            count += 1
            try map.upsert(kv.0, kv.1, create: aggregator.createCombiner, merge: aggregator.mergeValue)
        }
        let written: Int64
        if map.hasSpilled {
            written = try map.writeMerged(to: output)
        } else {
            var buffers = [ByteWriter](repeating: ByteWriter(), count: numPartitions)
            try map.map.forEach { k, c in
                let p = try partition(k)
                try key.write(k, &buffers[p])
                try combiner.write(c, &buffers[p])
            }
            for (reduceId, buffer) in buffers.enumerated() where buffer.count > 0 {
                try buffer.bytes.withUnsafeBytes { raw in try output.writePartition(reduceId, raw) }
            }
            written = Int64(map.map.count)
        }
        ctx.updateMetrics {
            $0.recordsRead += count
            $0.shuffleRecordsWritten += written
        }
    }
}
