/// Counters a task accumulates while it runs; summed per stage and job.
public struct TaskMetrics: Sendable, Equatable {
    public var recordsRead: Int64 = 0
    public var bytesRead: Int64 = 0
    public var shuffleRecordsWritten: Int64 = 0
    public var shuffleBytesWritten: Int64 = 0
    public var shuffleRecordsRead: Int64 = 0
    public var shuffleBytesRead: Int64 = 0
    public var resultRecords: Int64 = 0
    public var runTimeNanos: UInt64 = 0
    /// Bytes of in-memory data spilled to disk by aggregation and sorting, and their size on disk.
    public var memoryBytesSpilled: Int64 = 0
    public var diskBytesSpilled: Int64 = 0
    /// The most execution memory the task held at once (summed over tasks: an upper bound).
    public var peakExecutionMemory: Int64 = 0
    /// Broadcast piece bytes the task fetched from the driver and from other executors, and
    /// how many blocks (pieces and metadata).
    public var broadcastBytesFromDriver: Int64 = 0
    public var broadcastBytesFromPeers: Int64 = 0
    public var broadcastBlocksFetched: Int64 = 0
    /// What the task added to accumulators, by accumulator id (sent back with its status).
    public var accumulatorUpdates: [Int: AccumulatorUpdate] = [:]

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
