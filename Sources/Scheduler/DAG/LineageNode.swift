/// What the scheduler sees of an RDD: partitions, dependencies and preferred
/// locations. The scheduler never knows concrete RDD types; the Engine's RDD
/// classes conform to this protocol.
public protocol LineageNode: AnyObject, Sendable {
    /// Unique id of the RDD within its context.
    var rddId: Int { get }
    /// Number of partitions.
    var numPartitions: Int { get }
    /// The RDD's parents: narrow (one-to-one, range, union) or shuffle.
    var lineageDependencies: [LineageDependency] { get }
    /// Hosts or executor ids where partition `partition` is best computed; empty when any.
    func preferredLocations(_ partition: Int) -> [String]
    /// A short name for logs: `MapPartitionsRDD[3] at map at WordCount.swift:12`.
    var debugName: String { get }
    /// Where the user created this RDD: `WordCount.swift:12`.
    var callSite: String { get }
}

/// A dependency of an RDD on a parent.
public enum LineageDependency: Sendable {
    /// Each child partition depends on a bounded set of parent partitions: no stage boundary.
    case narrow(any LineageNode)
    /// The child needs all map outputs of a shuffle: a stage boundary.
    case shuffle(ShuffleDependencyBase)
}

/// The scheduler's view of a shuffle dependency: its id, the map-side RDD and the
/// number of reduce partitions. The Engine subclasses it with the typed partitioner,
/// serializer and aggregator.
open class ShuffleDependencyBase: @unchecked Sendable {
    // Immutable after init; subclasses add only immutable state.
    /// Unique id of the shuffle within its context.
    public let shuffleId: Int
    /// The RDD whose partitions are the map tasks.
    public let mapSide: any LineageNode
    /// Number of reduce partitions (the partitioner's).
    public let numReducePartitions: Int

    /// A dependency on the map side `mapSide`, written as shuffle `shuffleId` into `numReducePartitions` partitions.
    public init(shuffleId: Int, mapSide: any LineageNode, numReducePartitions: Int) {
        self.shuffleId = shuffleId
        self.mapSide = mapSide
        self.numReducePartitions = numReducePartitions
    }
}

/// The function a result stage applies to each partition; opaque to the scheduler.
public protocol JobFunction: AnyObject, Sendable {}
