import Scheduler

/// What ``SortShuffleManager`` chose for the map tasks of one shuffle, as Spark's ShuffleHandle
/// (BaseShuffleHandle for ``SortShuffleWriter``, BypassMergeSortShuffleHandle for
/// ``BypassMergeSortShuffleWriter``): the writer, built where the shuffle was declared so that it
/// is specialized in the job's module, and the number of reduce partitions it writes. The
/// shuffle dependency keeps it; ``SortShuffleManager/getWriter(_:shuffleId:mapIndex:context:)``
/// runs it in each map task.
@usableFromInline
package struct ShuffleHandle<K, V>: Sendable {
    /// Number of reduce partitions.
    @usableFromInline package let numPartitions: Int
    /// Writes one map task's records to its map output, reduce partition after reduce partition.
    @usableFromInline package let write: @Sendable (PartitionStream<(K, V)>, TaskContext, ShuffleMapOutputWriter) throws -> Void

    /// A handle whose map tasks write `numPartitions` reduce partitions with `write`.
    @inlinable
    package init(numPartitions: Int,
                 write: @escaping @Sendable (PartitionStream<(K, V)>, TaskContext, ShuffleMapOutputWriter) throws -> Void) {
        self.numPartitions = numPartitions
        self.write = write
    }
}
