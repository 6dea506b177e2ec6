import Runtime
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
    /// Queues the shuffle's removal when the dependency is released (driver only; nil on executors).
    let cleanupToken: CleanupToken?

    @usableFromInline
    init(rdd: RDD<(K, V)>, partitioner: any Partitioner,
         writeRecords: @escaping @Sendable (PartitionStream<(K, V)>, TaskContext, ShuffleMapOutputWriter) throws -> Void) {
        self.rdd = rdd
        self.partitioner = partitioner
        self.writeRecords = writeRecords
        let shuffleId = rdd.context.newShuffleId()
        cleanupToken = rdd.context.cleaner?.register(.shuffle(shuffleId))
        super.init(shuffleId: shuffleId, mapSide: rdd, numReducePartitions: partitioner.numPartitions)
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

extension ShuffleDependency: ShuffleRootBox.Holder, ReplayRooted {
    var replayRoot: (any LineageNode)? { rootBox.root }
}
