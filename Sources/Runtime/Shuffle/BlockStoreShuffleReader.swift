import Scheduler
import Storage

/// Reads one reduce partition of a shuffle, as Spark's BlockStoreShuffleReader: the map outputs'
/// segments for it come, one map output at a time in map order, from ``ShuffleSegments``
/// (this executor's disk, or fetched from the executors holding them), and their records are
/// decoded and either streamed as they are or aggregated by key. A record that does not decode
/// is a fetch failure of its map output.
///
/// ``SortShuffleManager/getReader(shuffleId:reduceId:context:)`` hands it out; `@inlinable` so
/// that the per-record code specializes in the job's module.
@usableFromInline
package struct BlockStoreShuffleReader {
    /// The shuffle read.
    @usableFromInline package let shuffleId: Int
    /// The reduce partition read.
    @usableFromInline package let reduceId: Int
    /// The reduce task.
    @usableFromInline package let context: TaskContext

    /// A reader of reduce partition `reduceId` of shuffle `shuffleId` for `context`'s task.
    @inlinable
    package init(shuffleId: Int, reduceId: Int, context: TaskContext) {
        self.shuffleId = shuffleId
        self.reduceId = reduceId
        self.context = context
    }

    /// Merges combiners (or values, without map-side combine) by key in a spillable map, then streams it.
    @inlinable
    package func read<K: Hashable, V, C>(
        aggregator: Aggregator<V, C>, mapSideCombine: Bool, key: ElementCodec<K>, value: ElementCodec<V>,
        combiner: ElementCodec<C>
    ) throws -> PartitionStream<(K, C)> {
        let shuffleId = shuffleId, reduceId = reduceId, context = context
        var segments = try ShuffleSegments(shuffleId: shuffleId, reduceId: reduceId, context: context)
        let map = ExternalAppendOnlyMap<K, C>(context: context, key: key, combiner: combiner,
                                              mergeCombiners: aggregator.mergeCombiners)
        var records: Int64 = 0
        // Only a record that does not decode is a fetch failure; a spill that fails (full disk) is the task's own error.
        func corrupt(_ e: StorageError) -> FetchFailedError {
            FetchFailedError(shuffleId: shuffleId, mapIndex: segments.currentMapIndex, reduceId: reduceId, message: "\(e)")
        }
        while var reader = try segments.next() {
            while !reader.isAtEnd {
                let k: K
                do { k = try key.read(&reader) } catch let e as StorageError { throw corrupt(e) }
                records += 1
                if mapSideCombine {
                    let c: C
                    do { c = try combiner.read(&reader) } catch let e as StorageError { throw corrupt(e) }
                    try aggregator.combineCombiner(k, c, into: map)
                } else {
                    let v: V
                    do { v = try value.read(&reader) } catch let e as StorageError { throw corrupt(e) }
                    try map.upsert(k, v, create: aggregator.createCombiner, merge: aggregator.mergeValue)
                }
            }
        }
        context.updateMetrics { $0.shuffleRecordsRead += records }
        return try map.stream()
    }

    /// Streams the `(K, V)` records as they were written, map output after map output.
    @inlinable
    package func read<K, V>(key: ElementCodec<K>, value: ElementCodec<V>) throws -> PartitionStream<(K, V)> {
        let shuffleId = shuffleId, reduceId = reduceId, context = context
        var segments = try ShuffleSegments(shuffleId: shuffleId, reduceId: reduceId, context: context)
        var current: ByteReader?
        return PartitionStream {
            var out: [(K, V)] = []
            out.reserveCapacity(4096)
            while out.count < 4096 {
                if current == nil || current!.isAtEnd {
                    guard let next = try segments.next() else { break }
                    current = next
                    continue
                }
                do {
                    out.append((try key.read(&current!), try value.read(&current!)))
                } catch let e as StorageError {
                    throw FetchFailedError(shuffleId: shuffleId, mapIndex: segments.currentMapIndex, reduceId: reduceId,
                                           message: "\(e)")
                }
            }
            context.updateMetrics { $0.shuffleRecordsRead += Int64(out.count) }
            return out.isEmpty ? nil : out
        }
    }
}
