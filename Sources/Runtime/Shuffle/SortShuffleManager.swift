import Scheduler
import Storage

/// A process's shuffle manager, as Spark's SortShuffleManager: it chooses each shuffle's map-side
/// writer (``registerShuffle(partition:numPartitions:aggregator:key:combiner:)``), hands map tasks
/// their writer (``getWriter(_:shuffleId:mapIndex:context:)``) and reduce tasks their reader
/// (``getReader(shuffleId:reduceId:context:)``), and removes a shuffle's map outputs
/// (``unregisterShuffle(_:)``, the one removal path). The environment (``EngineEnv``) builds one
/// per process with its ``IndexShuffleBlockResolver``, whose segments the BlockManager serves.
///
/// The writers and readers are generic and `@inlinable`: registering a shuffle builds its writer
/// where the shuffle is declared, in the job's module, so that the per-record code is
/// specialized there.
@usableFromInline
package final class SortShuffleManager: ShuffleManager {
    /// Lays out, commits, serves and removes this process's map output files.
    package let shuffleBlockResolver: IndexShuffleBlockResolver

    /// A manager whose map outputs `shuffleBlockResolver` keeps.
    package init(shuffleBlockResolver: IndexShuffleBlockResolver) {
        self.shuffleBlockResolver = shuffleBlockResolver
    }

    /// The manager of the process running `context`'s task (Spark's `SparkEnv.get.shuffleManager`).
    @usableFromInline
    package static func of(_ context: TaskContext) throws -> SortShuffleManager {
        guard let manager = context.env.shuffleManager as? SortShuffleManager else {
            throw EngineError.invalidArgument("executor \(context.env.executorId) has no shuffle manager: build its "
                + "environment with EngineEnv to run shuffles")
        }
        return manager
    }

    /// Registers a shuffle whose map side combines values by key with `aggregator`: its map tasks
    /// run a ``SortShuffleWriter``. `partition` sends a key to one of `numPartitions` reduce
    /// partitions. Static, as the choice depends on the shuffle alone: a lineage rebuilt on an
    /// executor chooses as the driver did.
    @inlinable
    package static func registerShuffle<K: Hashable & SendableMetatype, V, C>(
        partition: @escaping @Sendable (K) throws -> Int, numPartitions: Int, aggregator: Aggregator<V, C>,
        key: ElementCodec<K>, combiner: ElementCodec<C>
    ) -> ShuffleHandle<K, V> {
        ShuffleHandle(numPartitions: numPartitions) { records, context, output in
            try SortShuffleWriter(aggregator: aggregator, partition: partition, numPartitions: numPartitions, key: key,
                                  combiner: combiner, context: context).write(records, to: output)
        }
    }

    /// Registers a shuffle without map-side combine: its map tasks run a
    /// ``BypassMergeSortShuffleWriter``, which writes every `(K, V)` record as it is.
    @inlinable
    package static func registerShuffle<K, V>(
        partition: @escaping @Sendable (K) throws -> Int, numPartitions: Int, key: ElementCodec<K>, value: ElementCodec<V>
    ) -> ShuffleHandle<K, V> {
        ShuffleHandle(numPartitions: numPartitions) { records, context, output in
            var writer = BypassMergeSortShuffleWriter<K, V>(partition: partition, numPartitions: numPartitions, key: key,
                                                            value: value, context: context)
            try writer.write(records, to: output)
        }
    }

    /// The writer of map task `mapIndex` of shuffle `shuffleId`, running in `context`.
    package func getWriter<K, V>(_ handle: ShuffleHandle<K, V>, shuffleId: Int, mapIndex: Int,
                                 context: TaskContext) -> ShuffleWriter<K, V> {
        ShuffleWriter(handle: handle, shuffleId: shuffleId, mapIndex: mapIndex, resolver: shuffleBlockResolver,
                      context: context)
    }

    /// The reader of reduce partition `reduceId` of shuffle `shuffleId`, running in `context`.
    @inlinable
    package func getReader(shuffleId: Int, reduceId: Int, context: TaskContext) -> BlockStoreShuffleReader {
        BlockStoreShuffleReader(shuffleId: shuffleId, reduceId: reduceId, context: context)
    }

    /// Deletes every map output file of shuffle `shuffleId` this process wrote; returns how many
    /// files went. The BlockServer calls it when the driver removes a shuffle.
    @usableFromInline @discardableResult
    package func unregisterShuffle(_ shuffleId: Int) -> Int {
        shuffleBlockResolver.removeShuffle(shuffleId)
    }
}
