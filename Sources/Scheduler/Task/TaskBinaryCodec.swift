/// What a stage's task binary holds.
public enum StageBinarySource: Sendable {
    /// A shuffle map stage: the map-side RDD and the shuffle it writes.
    case shuffleMap(rdd: any LineageNode, shuffle: ShuffleDependencyBase)
    /// A result stage: the final RDD and the function applied to each partition.
    case result(rdd: any LineageNode, function: any JobFunction)
}

/// Serializes a stage's `(rdd, shuffleDep)` or `(rdd, func)` once on the driver, and
/// runs a task from those bytes on an executor. The Engine provides it; the scheduler
/// treats the bytes as opaque.
public protocol TaskBinaryCodec: Sendable {
    /// Serializes the stage's binary. A failure aborts the stage with `Task not serializable: …`.
    func serialize(_ source: StageBinarySource) throws -> [UInt8]
    /// Runs one task: decodes `binary` (a stage binary from ``serialize(_:)``) and computes `task.partition`.
    func runTask(_ task: TaskDescription, binary: [UInt8], context: TaskContext) throws -> TaskOutcome
    /// The stage ended: what ``serialize(_:)`` kept alive for `binary` may go.
    func release(_ binary: [UInt8])
}
