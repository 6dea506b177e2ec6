import Scheduler
import Storage

/// Sorts a reduce partition's records by key within the task's execution memory, as
/// Spark's ExternalSorter without aggregation: records are buffered while the
/// ``TaskMemoryManager`` grants memory (about twice the estimate minus what is held);
/// when refused, the buffer is sorted and written to a temp file as a run of `(K, V)`
/// records in lz4 frames, and buffering starts over. At the end the runs and the sorted
/// buffer are merged with a heap.
///
/// The caller passes the comparison and the in-memory sort so both are specialized in its
/// code; when nothing was spilled it takes the buffer back and sorts it itself.
///
/// Invariant: every run is sorted by `less`; each record is in exactly one run or the buffer.
@usableFromInline
package final class ExternalSorter<K, V> {
    /// Records not yet spilled, in insertion order; when nothing spilled, the caller takes it back
    /// and sorts it itself.
    @usableFromInline @exclusivity(unchecked) package var buffer: [(K, V)] = []
    @usableFromInline @exclusivity(unchecked) var nextCheck = 64

    let context: TaskContext
    let key: ElementCodec<K>
    let value: ElementCodec<V>
    let less: (K, K) -> Bool
    let sortRun: (inout [(K, V)]) -> Void

    private var grant = MemoryGrant()
    private var runs: [String] = []
    private var files: SpillFiles?
    private let heapless = _isPOD(K.self) && _isPOD(V.self)
    private var heapPerRecord: Double = 0
    private var nextSample = 0
    private var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var scratch = ByteWriter()

    /// A sorter for `context`'s task: `key` and `value` encode spilled records, `less` orders keys
    /// in the merge, and `sortRun` sorts the buffer in place before it is spilled or merged.
    @usableFromInline
    package init(context: TaskContext, key: ElementCodec<K>, value: ElementCodec<V>, less: @escaping (K, K) -> Bool,
         sortRun: @escaping (inout [(K, V)]) -> Void) {
        self.context = context
        self.key = key
        self.value = value
        self.less = less
        self.sortRun = sortRun
    }

    /// True once some records went to disk: take the result from ``merged()``.
    @usableFromInline package var hasSpilled: Bool { !runs.isEmpty }

    /// Buffers one record; may spill.
    @inlinable
    package func insert(_ k: K, _ v: V) throws {
        buffer.append((k, v))
        if buffer.count >= nextCheck { try checkMemory() }
    }

    /// Asks for memory when the estimate passed what is held; spills when refused.
    @usableFromInline
    package func checkMemory() throws {
        nextCheck = buffer.count + 64
        let estimate = estimatedBytes()
        if grant.covers(estimate, from: context.memoryManager) { return }
        try spill(estimate: estimate)
    }

    /// The buffer's capacity times its stride, plus its records' heap bytes estimated
    /// from the encoded size of a sample, re-taken every few thousand records.
    func estimatedBytes() -> Int64 {
        let n = buffer.count
        var bytes = Double(buffer.capacity * MemoryLayout<(K, V)>.stride)
        if !heapless {
            if n >= nextSample {
                let k = Swift.min(n, 16)
                scratch.removeAll()
                for _ in 0..<k {
                    rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    let (a, b) = buffer[Int((rng >> 33) % UInt64(n))]
                    try? key.write(a, &scratch)
                    try? value.write(b, &scratch)
                }
                heapPerRecord = k == 0 ? 0 : Double(scratch.count) / Double(k)
                nextSample = n + Swift.min(4096, Swift.max(256, n / 8))
            }
            bytes += heapPerRecord * Double(n)
        }
        return Int64(bytes)
    }

    private func spill(estimate: Int64) throws {
        let files = self.files ?? SpillFiles(context: context)
        self.files = files
        let path = try files.newPath()
        var w = try SpillWriter(path: path)
        sortRun(&buffer)
        let diskBytes: Int64
        do {
            for (k, v) in buffer {
                try key.write(k, &w.buffer)
                try value.write(v, &w.buffer)
                try w.recordWritten()
            }
            diskBytes = try w.finish()
        } catch {
            w.abort()
            files.remove(path)
            throw error
        }
        runs.append(path)
        let records = buffer.count
        buffer = []
        nextCheck = 64
        nextSample = 0
        grant.release(to: context.memoryManager)
        context.memoryManager.recordSpill(memoryBytes: estimate, diskBytes: diskBytes)
        spillLogger.info("Task \(context.taskAttemptId) spilling sort buffer of \(records) records, \(ExternalAppendOnlyMap<Int, Int>.megabytes(estimate)) to disk (\(runs.count) time\(runs.count == 1 ? "" : "s") so far)")
    }

    /// Every record, sorted: a k-way merge of the runs and the sorted buffer. Files are
    /// removed and memory released when the merge ends.
    @usableFromInline
    package func merged() throws -> PartitionStream<(K, V)> {
        var sources: [() throws -> (K, V)?] = []
        for path in runs {
            let reader = try SpillReader(path: path)
            var frame = ByteReader([])
            let key = self.key, value = self.value
            sources.append {
                while frame.isAtEnd {
                    guard let f = try reader.nextFrame() else { return nil }
                    frame = f
                }
                let k = try key.read(&frame)
                return (k, try value.read(&frame))
            }
        }
        sortRun(&buffer)
        let rest = buffer
        buffer = []
        var n = 0
        sources.append {
            guard n < rest.count else { return nil }
            defer { n += 1 }
            return rest[n]
        }
        var heads: [(K, V)?] = []
        var heap = MergeHeap()
        let less = self.less
        let order = { (a: Int, b: Int) -> Bool in less(heads[a]!.0, heads[b]!.0) }
        for (s, next) in sources.enumerated() {
            heads.append(try next())
            if heads[s] != nil { heap.push(s, by: order) }
        }
        let paths = runs, files = self.files, memory = context.memoryManager, held = grant.take()
        runs = []
        var finished = false
        func finish() {
            guard !finished else { return }
            finished = true
            for p in paths { files?.remove(p) }
            memory.release(held)
        }
        if heap.isEmpty { finish() }
        return PartitionStream {
            var out: [(K, V)] = []
            out.reserveCapacity(4096)
            while out.count < 4096, let s = heap.pop(by: order) {
                out.append(heads[s]!)
                heads[s] = try sources[s]()
                if heads[s] != nil { heap.push(s, by: order) }
            }
            if heap.isEmpty { finish() }
            return out.isEmpty ? nil : out
        }
    }
}
