import Runtime
import Scheduler
import Storage

/// One side of a cogroup: read directly when already partitioned right, else through a shuffle
/// whose values are written with `value` (a `Codable` type's codec, or one of any serializable shape).
@usableFromInline
struct CoGroupSource<K: Hashable & Codable & SendableMetatype, V>: Sendable {
    @usableFromInline let dependency: LineageDependency
    @usableFromInline let read: @Sendable (Int, TaskContext) throws -> PartitionStream<(K, V)>

    @inlinable
    init(_ rdd: RDD<(K, V)>, partitioner: any Partitioner, value: ElementCodec<V>) {
        if let p = rdd.partitioner, p.isEqual(to: partitioner) {
            dependency = .narrow(rdd)
            read = { part, ctx in try rdd.iterator(part, ctx) }
        } else {
            let key = ElementCodec<K>.codable
            let dep = ShuffleDependency<K, V>(
                rdd: rdd, partitioner: partitioner,
                shuffleHandle: SortShuffleManager.registerShuffle(partition: partitionFunction(partitioner, keyType: K.self),
                                                                  numPartitions: partitioner.numPartitions, key: key,
                                                                  value: value))
            let shuffleId = dep.shuffleId
            dependency = .shuffle(dep)
            read = { part, ctx in
                try SortShuffleManager.of(ctx).getReader(shuffleId: shuffleId, reduceId: part, context: ctx)
                    .read(key: key, value: value)
            }
        }
    }
}

extension CoGroupSource where V: Codable & SendableMetatype {
    /// The side of a cogroup whose values are `Codable`, shuffled with their own codec.
    @inlinable
    init(_ rdd: RDD<(K, V)>, partitioner: any Partitioner) {
        self.init(rdd, partitioner: partitioner, value: .codable)
    }
}
