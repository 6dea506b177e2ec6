import Scheduler
import Storage

/// The map side of a shuffle without combine, as Spark's BypassMergeSortShuffleWriter:
/// serialized `(K, V)` records go to one buffer per reduce partition, unsorted, and the
/// buffers are concatenated into the map output in reduce partition order. Unlike Spark's,
/// which opens one file per reduce partition (and so is used only up to 200 partitions), the
/// buffers stay in memory while the task's ``TaskMemoryManager`` grants it, for any number
/// of partitions. When refused, every buffer goes to one spill file (one segment of lz4
/// frames per reduce partition, their offsets kept in memory) and the buffers start over.
/// ``writePartitions(to:)`` writes each reduce partition as its spilled segments followed by
/// its buffer: records need no order within a partition.
///
/// One per map task; `@inlinable` so that it specializes in the job's module (where
/// ``SortShuffleManager/registerShuffle(partition:numPartitions:key:value:)`` builds it).
///
/// Invariant: `bytes` is the number of record bytes appended since the last spill.
@usableFromInline
package struct BypassMergeSortShuffleWriter<K, V> {
    /// The reduce partition of a key.
    @usableFromInline package let partition: @Sendable (K) throws -> Int
    /// One buffer of serialized records per reduce partition.
    @usableFromInline package var buffers: [ByteWriter]
    /// Record bytes appended since the last spill.
    @usableFromInline package var bytes = 0
    /// Memory is checked when `bytes` reaches it.
    @usableFromInline package var nextCheck = 4096
    /// Encodes keys.
    @usableFromInline package let key: ElementCodec<K>
    /// Encodes values.
    @usableFromInline package let value: ElementCodec<V>
    @usableFromInline let context: TaskContext
    private var grant = MemoryGrant()
    /// Per spill: its file and each reduce partition's (offset, length) in it.
    private var spills: [(path: String, segments: [(offset: Int64, length: Int64)])] = []
    private var files: SpillFiles?

    /// A writer for `context`'s map task: `partition` sends a key to one of `numPartitions` reduce partitions.
    @usableFromInline
    package init(partition: @escaping @Sendable (K) throws -> Int, numPartitions: Int, key: ElementCodec<K>, value: ElementCodec<V>,
                 context: TaskContext) {
        self.partition = partition
        buffers = [ByteWriter](repeating: ByteWriter(), count: numPartitions)
        self.key = key
        self.value = value
        self.context = context
    }

    /// Buffers every record of `records` in its reduce partition, then writes the partitions to `output`.
    @inlinable
    package mutating func write(_ records: PartitionStream<(K, V)>, to output: ShuffleMapOutputWriter) throws {
        let partition = partition
        var count: Int64 = 0
        try records.forEachRecord { kv in
            count += 1
            try append(kv.0, kv.1, to: partition(kv.0))
        }
        try writePartitions(to: output)
        context.updateMetrics {
            $0.recordsRead += count
            $0.shuffleRecordsWritten += count
        }
    }

    /// Appends one record to reduce partition `p`; may spill.
    @inlinable
    package mutating func append(_ k: K, _ v: V, to p: Int) throws {
        let before = buffers[p].count
        try key.write(k, &buffers[p])
        try value.write(v, &buffers[p])
        bytes &+= buffers[p].count &- before
        if bytes >= nextCheck { try checkMemory() }
    }

    /// Asks for memory for the buffers' capacity; spills them when refused.
    @usableFromInline
    package mutating func checkMemory() throws {
        nextCheck = bytes + 4096
        var estimate: Int64 = 0
        for b in buffers { estimate += Int64(b.bytes.capacity) }
        if grant.covers(estimate, from: context.memoryManager) { return }
        try spill(estimate: estimate)
    }

    private mutating func spill(estimate: Int64) throws {
        let files = self.files ?? SpillFiles(context: context)
        self.files = files
        let path = try files.newPath()
        var w = try SpillWriter(path: path)
        var segments: [(offset: Int64, length: Int64)] = []
        segments.reserveCapacity(buffers.count)
        let diskBytes: Int64
        do {
            for p in buffers.indices {
                let start = w.offset
                swap(&w.buffer, &buffers[p])
                try w.flush()
                buffers[p] = ByteWriter()
                segments.append((start, w.offset - start))
            }
            diskBytes = try w.finish()
        } catch {
            w.abort()
            files.remove(path)
            throw error
        }
        spills.append((path, segments))
        grant.release(to: context.memoryManager)
        context.memoryManager.recordSpill(memoryBytes: estimate, diskBytes: diskBytes)
        spillLogger.info("Task \(context.taskAttemptId) spilling shuffle buffers of \(ExternalAppendOnlyMap<Int, Int>.megabytes(estimate)) to disk (\(spills.count) time\(spills.count == 1 ? "" : "s") so far)")
        bytes = 0
        nextCheck = 4096
    }

    /// Writes each reduce partition: its spilled segments, then its buffer; removes the spill files.
    @usableFromInline
    package mutating func writePartitions(to writer: ShuffleMapOutputWriter) throws {
        for p in buffers.indices {
            for (path, segments) in spills where segments[p].length > 0 {
                let reader = try SpillReader(path: path, offset: segments[p].offset, length: segments[p].length)
                while let frame = try reader.nextFrame() {
                    try frame.bytes.withUnsafeBytes { raw in try writer.writePartition(p, raw) }
                }
            }
            if buffers[p].count > 0 {
                try buffers[p].bytes.withUnsafeBytes { raw in try writer.writePartition(p, raw) }
            }
        }
        for s in spills { files?.remove(s.path) }
        spills = []
    }
}
