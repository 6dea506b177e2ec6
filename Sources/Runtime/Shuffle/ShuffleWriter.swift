import Scheduler
import Storage

/// One map task's writer as ``SortShuffleManager/getWriter(_:shuffleId:mapIndex:context:)``
/// hands it out, as Spark's ShuffleWriter: ``write(_:)`` opens the task's map output, runs the
/// writer the shuffle's ``ShuffleHandle`` holds (a ``SortShuffleWriter`` or a
/// ``BypassMergeSortShuffleWriter``) into it, commits it through the
/// ``IndexShuffleBlockResolver`` and returns its ``MapStatus``; on failure the output is
/// discarded.
package struct ShuffleWriter<K, V> {
    /// The shuffle written to.
    package let shuffleId: Int
    /// The map task's partition index.
    package let mapIndex: Int
    let handle: ShuffleHandle<K, V>
    let resolver: IndexShuffleBlockResolver
    let context: TaskContext

    init(handle: ShuffleHandle<K, V>, shuffleId: Int, mapIndex: Int, resolver: IndexShuffleBlockResolver,
         context: TaskContext) {
        self.handle = handle
        self.shuffleId = shuffleId
        self.mapIndex = mapIndex
        self.resolver = resolver
        self.context = context
    }

    /// Writes the map task's `records` and commits them: the map output's location and segment
    /// sizes (another attempt's, if it committed first).
    package func write(_ records: PartitionStream<(K, V)>) throws -> MapStatus {
        let env = context.env
        let output = try ShuffleMapOutputWriter(resolver: resolver, shuffleId: shuffleId,
                                                mapId: Int(context.taskAttemptId), numPartitions: handle.numPartitions,
                                                compress: env.shuffleCompress)
        do {
            try handle.write(records, context, output)
            let lengths = try output.commit()
            let written = lengths.reduce(0, +)
            context.updateMetrics { $0.shuffleBytesWritten += written }
            return MapStatus(location: env.blockManager.blockManagerId, sizes: lengths, mapIndex: mapIndex,
                             mapId: context.taskAttemptId)
        } catch {
            output.abort()
            throw error
        }
    }
}
