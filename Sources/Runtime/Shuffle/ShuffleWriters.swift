import Scheduler
import Storage

/// Builds the map-side record writers; `@inlinable` so they specialize in the caller's module.
@usableFromInline
package enum ShuffleWriters {
    /// Combines values by key in a spillable hash map, then writes `(K, C)` per reduce partition.
    @inlinable
    package static func combining<K: Hashable & SendableMetatype, V, C>(
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
    package static func plain<K, V>(
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
