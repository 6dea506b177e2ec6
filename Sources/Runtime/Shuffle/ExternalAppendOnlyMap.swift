import Logging
import Scheduler
import Storage

/// A ``CombineMap`` that spills, as Spark's ExternalAppendOnlyMap.
///
/// It grows its map while the task's ``TaskMemoryManager`` grants memory for it (asking
/// for about twice its estimated size minus what it holds). When refused, it writes its
/// entries ordered by (reduce partition, ``FastHash`` hash) to a temp file as
/// `(partition, hash, K, C)` records in lz4 frames, releases its memory, records the spill,
/// and goes on with an empty map. At the end the runs and the sorted map are merged by
/// (partition, hash): keys with equal hashes are told apart with `==`, and their combiners
/// merged with `mergeCombiners`.
///
/// The size estimate is cheap, as Spark's SizeTracker: the map's table bytes (exact) plus
/// the keys' and combiners' heap bytes, sampled every few thousand updates (their encoded
/// size, from the first entries, where the most frequent keys sit, and from random ones) and
/// extrapolated by bytes per update in between. Memory is checked every
/// ``checkInterval`` updates, so the per-record cost is one counter.
///
/// Invariant: every run holds each key at most once, in (partition, hash) order; a key's
/// combiner is split among the runs and the map, never duplicated within one.
@usableFromInline
package final class ExternalAppendOnlyMap<K: Hashable, C> {
    /// Updates between two memory checks, so that the per-record cost of memory accounting is one counter.
    @usableFromInline package static var checkInterval: Int { 64 }

    /// The in-memory map that updates go to; emptied at each spill.
    @usableFromInline package let map = CombineMap<K, C>()
    /// Updates since the map was created; memory is checked when it reaches `nextCheck`.
    @usableFromInline @exclusivity(unchecked) var updates = 0
    @usableFromInline @exclusivity(unchecked) var nextCheck = ExternalAppendOnlyMap.checkInterval
    @usableFromInline package let mergeCombiners: (inout C, C) throws -> Void

    let context: TaskContext
    let key: ElementCodec<K>
    let combiner: ElementCodec<C>
    /// The reduce partition of a key, when the output is written by partition (map side); throws
    /// when a custom partitioner answers outside its range.
    let partition: ((K) throws -> Int)?
    let what: String

    /// Execution memory granted to this map.
    private var grant = MemoryGrant()
    private var runs: [String] = []
    private var files: SpillFiles?
    private var spilledBytes: Int64 = 0

    private let heapless = _isPOD(K.self) && _isPOD(C.self)
    private var sampledHeap: Double = 0
    private var sampleUpdates = 0
    private var bytesPerUpdate: Double = 0
    private var nextSample = 0
    private var rng: UInt64 = 0x2545_F491_4F6C_DD1D
    private var scratch = ByteWriter()

    /// A map for `context`'s task; `what` names it in log lines (`"aggregation"`, `"cogroup"`).
    @usableFromInline
    package init(context: TaskContext, key: ElementCodec<K>, combiner: ElementCodec<C>,
         mergeCombiners: @escaping (inout C, C) throws -> Void, partition: ((K) throws -> Int)? = nil,
         what: String = "aggregation map") {
        self.context = context
        self.key = key
        self.combiner = combiner
        self.mergeCombiners = mergeCombiners
        self.partition = partition
        self.what = what
    }

    /// True once some entries went to disk: the result is then a merge (see ``stream()``).
    @usableFromInline package var hasSpilled: Bool { !runs.isEmpty }

    /// Merges `value` into `key`'s combiner, or creates it; may spill.
    @inlinable
    package func upsert<V>(_ key: K, _ value: V, create: (V) throws -> C, merge: (inout C, V) throws -> Void) throws {
        try map.upsert(key, value, create: create, merge: merge)
        updates &+= 1
        if updates >= nextCheck { try checkMemory() }
    }

    /// Merges a combiner into `key`'s; may spill.
    @inlinable
    package func insertCombiner(_ key: K, _ c: C) throws {
        try upsert(key, c, create: { $0 }, merge: mergeCombiners)
    }

    // MARK: Memory

    /// Asks for more memory when the estimate passed what is held; spills when refused, and
    /// before the map could hold more keys than it can index (at most one key comes per update).
    @usableFromInline
    package func checkMemory() throws {
        nextCheck = updates + Self.checkInterval
        let estimate = estimatedBytes()
        let nearlyFull = map.count > CombineMap<K, C>.maxKeys - Self.checkInterval
        if !nearlyFull && grant.covers(estimate, from: context.memoryManager) { return }
        guard map.count > 0 else { return }
        try spill(estimate: estimate)
    }

    /// The map's estimated size in bytes.
    func estimatedBytes() -> Int64 {
        var bytes = Double(map.tableBytes)
        if !heapless {
            if updates >= nextSample { sampleHeap() }
            bytes += sampledHeap + bytesPerUpdate * Double(updates - sampleUpdates)
        }
        return Int64(bytes)
    }

    /// Re-estimates the heap bytes of keys and combiners from their encoded size: the first
    /// entries exactly (the most frequent keys come first, and their combiners may be the
    /// big ones), the rest from a random sample.
    private func sampleHeap() {
        let n = map.count
        let head = Swift.min(n, 8)
        scratch.removeAll()
        for i in 0..<head { encode(i) }
        var heap = Double(scratch.count)
        let rest = n - head
        if rest > 0 {
            let k = Swift.min(rest, 24)
            scratch.removeAll()
            for _ in 0..<k {
                rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                encode(head + Int((rng >> 33) % UInt64(rest)))
            }
            heap += Double(scratch.count) / Double(k) * Double(rest)
        }
        if updates > sampleUpdates {
            bytesPerUpdate = Swift.max(0, (heap - sampledHeap) / Double(updates - sampleUpdates))
        }
        sampledHeap = heap
        sampleUpdates = updates
        nextSample = updates + Swift.min(4096, Swift.max(256, n / 8))
    }

    private func encode(_ i: Int) {
        let e = map.entry(i)
        try? key.write(e.pointee.key, &scratch)
        try? combiner.write(e.pointee.value, &scratch)
    }

    /// The map's entries ordered by (partition, hash).
    private func sortedOrder() throws -> [(p: Int, h: UInt64, i: Int)] {
        var order: [(p: Int, h: UInt64, i: Int)] = []
        order.reserveCapacity(map.count)
        for i in 0..<map.count {
            let e = map.entry(i)
            order.append((try partition?(e.pointee.key) ?? 0, e.pointee.hash, i))
        }
        order.sort { $0.p != $1.p ? $0.p < $1.p : $0.h < $1.h }
        return order
    }

    /// Writes the map as a sorted run, then empties it and gives its memory back.
    private func spill(estimate: Int64) throws {
        let files = self.files ?? SpillFiles(context: context)
        self.files = files
        let path = try files.newPath()
        var w = try SpillWriter(path: path)
        let diskBytes: Int64
        do {
            for (p, h, i) in try sortedOrder() {
                let e = map.entry(i)
                w.buffer.writeVarInt(UInt64(p))
                w.buffer.writeUInt64(h)
                try key.write(e.pointee.key, &w.buffer)
                try combiner.write(e.pointee.value, &w.buffer)
                try w.recordWritten()
            }
            diskBytes = try w.finish()
        } catch {
            w.abort()
            files.remove(path)
            throw error
        }
        runs.append(path)
        let entries = map.count
        map.removeAll()
        grant.release(to: context.memoryManager)
        context.memoryManager.recordSpill(memoryBytes: estimate, diskBytes: diskBytes)
        spilledBytes += estimate
        sampledHeap = 0
        bytesPerUpdate = 0
        sampleUpdates = updates
        nextSample = updates + 256
        spillLogger.info("Task \(context.taskAttemptId) spilling in-memory \(what) of \(entries) keys, \(Self.megabytes(estimate)) to disk (\(runs.count) time\(runs.count == 1 ? "" : "s") so far)")
    }

    static func megabytes(_ bytes: Int64) -> String {
        let mb = Double(bytes) / 1_048_576
        return mb >= 10 ? "\(Int(mb.rounded())) MB" : "\((mb * 10).rounded() / 10) MB"
    }

    // MARK: Merge

    /// One record of a run: its partition, hash, key and combiner.
    struct Head {
        var p: Int
        var h: UInt64
        var k: K
        var c: C
    }

    /// Merges the runs and the in-memory map by (partition, hash).
    final class Merger {
        var sources: [() throws -> Head?] = []
        var heads: [Head?] = []
        var heap = MergeHeap()
        let mergeCombiners: (inout C, C) throws -> Void
        let done: () -> Void

        /// The heads' (partition, hash), apart from the generic heads so that comparing needs no generic code.
        let order = MergeOrder()

        init(sources: [() throws -> Head?], mergeCombiners: @escaping (inout C, C) throws -> Void,
             done: @escaping () -> Void) throws {
            self.sources = sources
            self.mergeCombiners = mergeCombiners
            self.done = done
            for (s, next) in sources.enumerated() {
                let head = try next()
                heads.append(head)
                order.keys.append(head.map { ($0.p, $0.h) } ?? (0, 0))
                if head != nil { heap.push(s, by: order.less) }
            }
            if heap.isEmpty { done() }
        }

        /// The next group of keys sharing a (partition, hash), each with its merged combiner; the partition, or nil at the end.
        func nextGroup(_ group: inout [(K, C)]) throws -> Int? {
            group.removeAll(keepingCapacity: true)
            guard let first = heap.top else { return nil }
            let p = heads[first]!.p, h = heads[first]!.h
            while let s = heap.top, order.keys[s] == (p, h) {
                heap.pop(by: order.less)
                while let head = heads[s], head.p == p, head.h == h {
                    if let i = group.firstIndex(where: { $0.0 == head.k }) {
                        try mergeCombiners(&group[i].1, head.c)
                    } else {
                        group.append((head.k, head.c))
                    }
                    let next = try sources[s]()
                    heads[s] = next
                    if let next { order.keys[s] = (next.p, next.h) }
                }
                if heads[s] != nil { heap.push(s, by: order.less) }
            }
            if heap.isEmpty { done() }
            return p
        }
    }

    /// A merger over every run and the map as it is now; files are removed and memory released at the end.
    func merger() throws -> Merger {
        var sources: [() throws -> Head?] = []
        for path in runs {
            let reader = try SpillReader(path: path)
            var frame = ByteReader([])
            let key = self.key, combiner = self.combiner
            sources.append {
                while frame.isAtEnd {
                    guard let f = try reader.nextFrame() else { return nil }
                    frame = f
                }
                let p = Int(try frame.readVarInt())
                let h = try frame.readUInt64()
                let k = try key.read(&frame)
                return Head(p: p, h: h, k: k, c: try combiner.read(&frame))
            }
        }
        let order = try sortedOrder()
        var n = 0
        let map = self.map
        sources.append {
            guard n < order.count else { return nil }
            let (p, h, i) = order[n]
            n += 1
            let e = map.entry(i)
            return Head(p: p, h: h, k: e.pointee.key, c: e.pointee.value)
        }
        let paths = runs, files = self.files, memory = context.memoryManager, held = grant.take()
        runs = []
        return try Merger(sources: sources, mergeCombiners: mergeCombiners) {
            for p in paths { files?.remove(p) }
            map.removeAll()
            memory.release(held)
        }
    }

    /// The combined entries: the map's own stream when nothing was spilled, else the merge.
    @usableFromInline
    package func stream() throws -> PartitionStream<(K, C)> {
        guard hasSpilled else { return map.stream() }
        let m = try merger()
        var group: [(K, C)] = []
        return PartitionStream {
            var out: [(K, C)] = []
            out.reserveCapacity(4096)
            while out.count < 4096, try m.nextGroup(&group) != nil { out.append(contentsOf: group) }
            return out.isEmpty ? nil : out
        }
    }

    /// Writes the merged entries by reduce partition to `writer` (after a spill; else the
    /// caller writes the map itself); returns the number of records written.
    @usableFromInline
    package func writeMerged(to writer: ShuffleMapOutputWriter) throws -> Int64 {
        let m = try merger()
        var group: [(K, C)] = []
        var buffer = ByteWriter(capacity: 1 << 20)
        var current = 0
        var records: Int64 = 0
        func flush() throws {
            guard buffer.count > 0 else { return }
            try buffer.bytes.withUnsafeBytes { raw in try writer.writePartition(current, raw) }
            buffer.removeAll()
        }
        while let p = try m.nextGroup(&group) {
            if p != current {
                try flush()
                current = p
            }
            for (k, c) in group {
                try key.write(k, &buffer)
                try combiner.write(c, &buffer)
            }
            records += Int64(group.count)
            if buffer.count >= 1 << 20 { try flush() }
        }
        try flush()
        return records
    }
}

let spillLogger = EngineLogging.logger("ExternalSpill")

/// The (partition, hash) at the head of each run of an ``ExternalAppendOnlyMap`` merge.
final class MergeOrder {
    var keys: [(p: Int, h: UInt64)] = []

    func less(_ a: Int, _ b: Int) -> Bool { keys[a].p != keys[b].p ? keys[a].p < keys[b].p : keys[a].h < keys[b].h }
}
