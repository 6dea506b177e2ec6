import Runtime
import Scheduler

/// A resilient distributed dataset, as Spark's RDD: an immutable, partitioned
/// collection computed from its lineage. Transformations build new RDDs lazily;
/// actions run a job through the DAGScheduler.
///
/// One class serves every kind of RDD: what differs (how a partition is computed,
/// its dependencies, its partitioner) is given at construction, and the compute
/// function is built by `@inlinable` operators, so it runs specialized for `T`.
///
/// Transformations (``map(_:file:line:)->RDD<U>``, ``reduceByKey(numPartitions:partitioner:_:file:line:)-4s7d1``, …)
/// only record how to compute the new RDD and do not throw; a bad argument (a partition count
/// below 1, a negative sample fraction) is reported by the first action on the RDD as
/// `EngineError.invalidArgument`. Actions (``collect(file:line:)``, ``count(file:line:)``, …)
/// run a job and throw `EngineError`. Every operator takes `file` and `line` defaults
/// (`#fileID`, `#line`): they name the call site in logs, in ``toDebugString()`` and in errors;
/// leave them out.
public final class RDD<T>: LineageNode, @unchecked Sendable {
    // Unchecked: every stored property is an immutable `let`; the compute closures are @Sendable.
    /// The context that created this RDD.
    public let context: EngineContext
    /// Unique id within the context.
    public let id: Int
    /// Number of partitions: the number of tasks of a stage that computes this RDD.
    public let numPartitions: Int
    /// The dependencies the RDD was made with; ``lineageDependencies`` is empty once it is checkpointed.
    public let originalDependencies: [LineageDependency]
    /// How records are spread over partitions by key, when known (after a shuffle by key, `mapValues`, …).
    public let partitioner: (any Partitioner)?
    /// Where the RDD was made: `File.swift:12`, as Spark's `RDD.creationSite`.
    public let callSite: String
    /// Spark's class name for this kind of RDD, for lineage printing: `MapPartitionsRDD`, `ShuffledRDD`, ….
    public let kindName: String
    /// The operation that created it: `map`, `reduceByKey`, ….
    public let operation: String
    @usableFromInline let compute: @Sendable (Int, TaskContext) throws -> PartitionStream<T>
    @usableFromInline let locations: (@Sendable (Int) -> [String])?
    /// Why this RDD cannot run (a bad argument to the call that made it); reported by the first action.
    @usableFromInline let argumentError: String?

    @usableFromInline
    init(context: EngineContext, kind: String, operation: String, numPartitions: Int,
         dependencies: [LineageDependency], partitioner: (any Partitioner)? = nil, callSite: String,
         locations: (@Sendable (Int) -> [String])? = nil, argumentError: String? = nil,
         compute: @escaping @Sendable (Int, TaskContext) throws -> PartitionStream<T>) {
        self.argumentError = argumentError
        self.context = context
        self.id = context.newRDDId()
        self.kindName = kind
        self.operation = operation
        self.numPartitions = numPartitions
        self.originalDependencies = dependencies
        self.partitioner = partitioner
        self.callSite = callSite
        self.locations = locations
        self.compute = compute
    }

    /// ``id``, under the name the scheduler's `LineageNode` protocol uses.
    public var rddId: Int { id }

    /// The parents: none once the RDD is checkpointed (its partitions are read from files).
    public var lineageDependencies: [LineageDependency] {
        checkpointState.isCheckpointed ? [] : originalDependencies
    }

    /// Checkpoint marking and, once written, where the partitions are read from.
    @usableFromInline let checkpointState = CheckpointState()
    /// The operator call that made this RDD, so it can be rebuilt in another process.
    public let origin = OriginBox()
    /// The storage level and record serializer once persisted.
    let persistState = PersistState<T>()
    /// What the ContextCleaner removes once this RDD is released (its cached blocks, its checkpoint files).
    let cleanupTokens = CleanupTokens()
    /// The name given with ``setName(_:)``.
    let nameState = RDDName()

    /// Where partition `partition` is best computed: the executors caching it when persisted
    /// (as Spark's getPreferredLocs), else what the RDD's source says (none for most).
    public func preferredLocations(_ partition: Int) -> [String] {
        if persistState.active != nil {
            let holders = context.env.blockManagerMaster.getLocations(.rdd(rddId: id, partition: partition))
            if !holders.isEmpty { return holders.map(\.executorId) }
        }
        return locations?(partition) ?? []
    }

    /// A short name for logs and lineage printing: `MapPartitionsRDD[3] at map at WordCount.swift:12`.
    /// A name given with ``setName(_:)`` comes first, as Spark prints it.
    public var debugName: String { "\(name.map { $0 + " " } ?? "")\(kindName)[\(id)] at \(operation) at \(callSite)" }

    /// Computes partition `partition` as a stream of record chunks (on a task thread).
    /// Reads the checkpoint files once the RDD is checkpointed, else the cached blocks when it
    /// is persisted (computing and caching them if missing), else computes the partition from
    /// its parents, as Spark's `RDD.iterator`.
    /// - Throws: whatever computing the partition throws: an error of a user function, an I/O
    ///   or fetch failure, or `TaskKilledError` when the task was killed.
    @inlinable
    public func iterator(_ partition: Int, _ context: TaskContext) throws -> PartitionStream<T> {
        if let kind = checkpointState.written { return try readCheckpoint(kind, partition, context) }
        if let cached = try persistedIterator(partition, context) { return cached }
        return try compute(partition, context)
    }

    /// The lineage, one RDD a line, with shuffle boundaries marked by `+-` as Spark prints it:
    /// ```
    /// (4) ShuffledRDD[4] at reduceByKey at WordCount.swift:10 []
    ///  +-(4) MapPartitionsRDD[3] at map at WordCount.swift:9 []
    ///     |  TextFileRDD[1] at textFile at WordCount.swift:7 []
    /// ```
    /// Mirrors Spark's `RDD.toDebugString`.
    public func toDebugString() -> String {
        var lines: [String] = []
        RDDDebugString.render(self, column: "", mode: .first, into: &lines)
        return lines.joined(separator: "\n")
    }
}

/// An RDD that may carry a bad-argument error, seen without its element type.
protocol ArgumentChecked {
    var argumentError: String? { get }
}

extension RDD: ArgumentChecked {}

/// The first bad-argument error in `node`'s lineage, if any.
func lineageArgumentError(_ node: any LineageNode) -> String? {
    var seen: Set<Int> = []
    var stack: [any LineageNode] = [node]
    while let n = stack.popLast() {
        guard seen.insert(n.rddId).inserted else { continue }
        if let e = (n as? ArgumentChecked)?.argumentError { return e }
        for dep in n.lineageDependencies {
            switch dep {
            case .narrow(let p): stack.append(p)
            case .shuffle(let s): stack.append(s.mapSide)
            }
        }
    }
    return nil
}

extension RDD: CustomStringConvertible {
    /// The ``debugName``.
    public var description: String { debugName }
}

/// Prints lineage trees as Spark's RDD.toDebugString does.
enum RDDDebugString {
    enum Mode { case first, narrow, shuffle }

    static func render(_ node: any LineageNode, column: String, mode: Mode, into lines: inout [String]) {
        let childColumn: String
        switch mode {
        case .first:
            lines.append("(\(node.numPartitions)) \(node.debugName) []")
            childColumn = " "
        case .narrow:
            lines.append("\(column)|  \(node.debugName) []")
            childColumn = column
        case .shuffle:
            lines.append("\(column)+-(\(node.numPartitions)) \(node.debugName) []")
            childColumn = column + "   "
        }
        for dep in node.lineageDependencies {
            switch dep {
            case .narrow(let parent): render(parent, column: childColumn, mode: .narrow, into: &lines)
            case .shuffle(let s): render(s.mapSide, column: childColumn, mode: .shuffle, into: &lines)
            }
        }
    }
}
