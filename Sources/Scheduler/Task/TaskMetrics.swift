/// Counters a task accumulates while it runs; summed per stage and job.
///
/// Mirrors Spark's `TaskMetrics` (its input, shuffle read and shuffle write metrics in one
/// flat value). ``add(_:)`` sums them; `EngineContext.lastJobSummary` and `totalMetrics`
/// show a job's and the context's sums.
public struct TaskMetrics: Sendable, Equatable {
    /// Records read from the job's input files (Spark's `inputMetrics.recordsRead`).
    public var recordsRead: Int64 = 0
    /// Bytes read from the job's input files (Spark's `inputMetrics.bytesRead`).
    public var bytesRead: Int64 = 0
    /// Records a shuffle map task wrote (Spark's `shuffleWriteMetrics.recordsWritten`).
    public var shuffleRecordsWritten: Int64 = 0
    /// Bytes a shuffle map task wrote, compressed as stored (Spark's `shuffleWriteMetrics.bytesWritten`).
    public var shuffleBytesWritten: Int64 = 0
    /// Records a reducer read from shuffle output (Spark's `shuffleReadMetrics.recordsRead`).
    public var shuffleRecordsRead: Int64 = 0
    /// Bytes a reducer read from shuffle output, local and remote (Spark's `shuffleReadMetrics.totalBytesRead`).
    public var shuffleBytesRead: Int64 = 0
    /// Records a result task returned; carried between processes but not counted yet (0).
    public var resultRecords: Int64 = 0
    /// The task body's wall time in nanoseconds (Spark's `executorRunTime`, in ms there).
    public var runTimeNanos: UInt64 = 0
    /// Bytes of in-memory data spilled to disk by aggregation and sorting, and their size on disk.
    public var memoryBytesSpilled: Int64 = 0
    /// The size on disk of what was spilled (Spark's `diskBytesSpilled`; the line above is
    /// `memoryBytesSpilled`).
    public var diskBytesSpilled: Int64 = 0
    /// The most execution memory the task held at once (summed over tasks: an upper bound).
    public var peakExecutionMemory: Int64 = 0
    /// Broadcast piece bytes the task fetched from the driver and from other executors, and
    /// how many blocks (pieces and metadata).
    public var broadcastBytesFromDriver: Int64 = 0
    /// Broadcast piece bytes fetched from other executors.
    public var broadcastBytesFromPeers: Int64 = 0
    /// Broadcast blocks fetched (pieces and metadata).
    public var broadcastBlocksFetched: Int64 = 0
    /// What the task added to accumulators, by accumulator id (sent back with its status).
    public var accumulatorUpdates: [Int: AccumulatorUpdate] = [:]

    /// All counters zero.
    public init() {}

    /// Adds `other` into this.
    public mutating func add(_ other: TaskMetrics) {
        recordsRead += other.recordsRead
        bytesRead += other.bytesRead
        shuffleRecordsWritten += other.shuffleRecordsWritten
        shuffleBytesWritten += other.shuffleBytesWritten
        shuffleRecordsRead += other.shuffleRecordsRead
        shuffleBytesRead += other.shuffleBytesRead
        resultRecords += other.resultRecords
        runTimeNanos += other.runTimeNanos
        memoryBytesSpilled += other.memoryBytesSpilled
        diskBytesSpilled += other.diskBytesSpilled
        peakExecutionMemory = max(peakExecutionMemory, other.peakExecutionMemory)
        broadcastBytesFromDriver += other.broadcastBytesFromDriver
        broadcastBytesFromPeers += other.broadcastBytesFromPeers
        broadcastBlocksFetched += other.broadcastBlocksFetched
        accumulatorUpdates.merge(other.accumulatorUpdates) { $0.merged(with: $1) }
    }
}
