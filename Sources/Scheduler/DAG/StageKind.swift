

/// What a stage computes.
public enum StageKind: Sendable {
    /// Writes the map side of a shuffle; available when every partition has an output.
    case shuffleMap(ShuffleDependencyBase)
    /// Applies the job's function to the final RDD's partitions.
    case result(jobId: Int)
}
