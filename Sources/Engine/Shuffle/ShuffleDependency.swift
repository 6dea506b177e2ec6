import Runtime
import Scheduler
import Storage

/// A shuffle dependency, as Spark's ShuffleDependency: the map side is an RDD of
/// `(K, V)` pairs; each map task partitions its records by key (combining values
/// first when the aggregator allows it) with the writer the ``SortShuffleManager`` chose
/// when the shuffle was declared (its ``ShuffleHandle``), and writes one data file and one
/// index file, segments ordered by reduce partition, lz4-compressed when
/// `engine.shuffle.compress` is on.
@usableFromInline
final class ShuffleDependency<K: Hashable, V>: ShuffleDependencyBase, ShuffleMapRunning, @unchecked Sendable {
    // Unchecked: all stored properties are immutable and their closures @Sendable.
    let rdd: RDD<(K, V)>
    let partitioner: any Partitioner
    /// The map tasks' writer, from ``SortShuffleManager/registerShuffle(partition:numPartitions:key:value:)``
    /// (or its combining form), built where the shuffle was declared for `partitioner`'s partitions.
    let shuffleHandle: ShuffleHandle<K, V>
    /// The RDD whose recorded operator call made this dependency.
    let rootBox = ShuffleRootBox()
    /// Queues the shuffle's removal when the dependency is released (driver only; nil on executors).
    let cleanupToken: CleanupToken?

    @usableFromInline
    init(rdd: RDD<(K, V)>, partitioner: any Partitioner, shuffleHandle: ShuffleHandle<K, V>) {
        self.rdd = rdd
        self.partitioner = partitioner
        self.shuffleHandle = shuffleHandle
        let shuffleId = rdd.context.newShuffleId()
        cleanupToken = rdd.context.cleaner?.register(.shuffle(shuffleId))
        super.init(shuffleId: shuffleId, mapSide: rdd, numReducePartitions: partitioner.numPartitions)
    }

    /// Runs map task `partition`: its records through the shuffle manager's writer, as Spark's ShuffleMapTask.
    func runMapTask(partition: Int, context: TaskContext) throws -> MapStatus {
        let input = try rdd.iterator(partition, context)
        let writer = try SortShuffleManager.of(context).getWriter(shuffleHandle, shuffleId: shuffleId, mapIndex: partition,
                                                                  context: context)
        return try writer.write(input)
    }
}

extension ShuffleDependency: ShuffleRootBox.Holder, ReplayRooted {
    var replayRoot: (any LineageNode)? { rootBox.root }
}
