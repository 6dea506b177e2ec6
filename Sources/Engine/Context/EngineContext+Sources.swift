import Runtime
import Scheduler

extension EngineContext {
    /// Distributes `data` over `numSlices` partitions (default: ``defaultParallelism``), as Spark's
    /// parallelize: slice i holds elements `i*n/numSlices ..< (i+1)*n/numSlices`.
    ///
    /// The elements travel in the task binary (encoded when `T` is `Codable`; with executors in
    /// other processes a non-`Codable` element type fails the job before any task runs).
    /// A `numSlices` below 1 is reported by the first action as `EngineError.invalidArgument`.
    @inlinable
    public func parallelize<T>(_ data: [T], numSlices: Int? = nil, file: String = #fileID,
                               line: Int = #line) -> RDD<T> {
        let mark = idMark
        let data = ParallelizeOperator<T>.encode(data)
        return recorded(ParallelizeOperator<T>.self, "parallelize", mark: mark, inputs: [], functions: [data.shipped],
                        params: ParallelizeParams(data: data.bytes, numSlices: numSlices), file: file, line: line,
                        parallelizeRDD(data.values, numSlices: numSlices, file: file, line: line))
    }

    @inlinable
    func parallelizeRDD<T>(_ data: [T], numSlices: Int?, file: String, line: Int) -> RDD<T> {
        let slices = max(1, numSlices ?? defaultParallelism)
        let box = Unchecked(data)
        let n = data.count
        let bad = (numSlices ?? 1) < 1 ? "parallelize: numSlices must be at least 1, got \(numSlices!)" : nil
        return RDD<T>(context: self, kind: "ParallelCollectionRDD", operation: "parallelize", numPartitions: slices,
                      dependencies: [], callSite: makeCallSite(file, line), argumentError: bad) { p, ctx in
            let start = p * n / slices, end = (p + 1) * n / slices
            var pos = start
            return PartitionStream {
                try ctx.checkInterrupted()
                guard pos < end else { return nil }
                let stop = min(pos + 4096, end)
                defer { pos = stop }
                return Array(box.value[pos..<stop])
            }
        }
    }

    /// The integers `start, start+step, …` below `end` (above it for a negative step), over `numSlices` partitions.
    ///
    /// Mirrors Spark's `SparkContext.range`.
    /// - Throws: `EngineError.invalidArgument` when `step` is 0 or `numSlices` is below 1.
    public func range(_ start: Int, _ end: Int, step: Int = 1, numSlices: Int? = nil, file: String = #fileID,
                      line: Int = #line) throws(EngineError) -> RDD<Int> {
        guard step != 0 else { throw .invalidArgument("range step must not be 0") }
        if let n = numSlices, n < 1 { throw .invalidArgument("range: numSlices must be at least 1, got \(n)") }
        // In UInt: the distance between two Ints, as in range(Int.min, Int.max), may exceed Int.
        let ahead = step > 0 ? end > start : end < start
        let distance = UInt(bitPattern: step > 0 ? end &- start : start &- end)
        let elements = ahead ? (distance - 1) / step.magnitude + 1 : 0
        guard let count = Int(exactly: elements) else {
            throw .invalidArgument("range(\(start), \(end), step: \(step)) has \(elements) elements, more than an RDD "
                                   + "can count (\(Int.max)); narrow the range or take a larger step")
        }
        let mark = idMark
        return recorded(RangeOperator.self, "range", mark: mark, inputs: [],
                        params: RangeParams(start: start, end: end, step: step, numSlices: numSlices), file: file, line: line,
                        rangeRDD(start, step: step, count: count, numSlices: numSlices, file: file, line: line))
    }

    /// `count` integers from `start` by `step` (arguments already checked).
    func rangeRDD(_ start: Int, step: Int, count: Int, numSlices: Int?, file: String, line: Int) -> RDD<Int> {
        let slices = max(1, numSlices ?? defaultParallelism)
        // Slice p's first index, p * count / slices, without overflowing for counts near Int.max.
        let first: @Sendable (Int) -> Int = { p in slices.dividingFullWidth(p.multipliedFullWidth(by: count)).quotient }
        return RDD<Int>(context: self, kind: "ParallelCollectionRDD", operation: "range", numPartitions: slices,
                        dependencies: [], callSite: makeCallSite(file, line)) { p, ctx in
            var i = first(p)
            let stop = first(p + 1)
            return PartitionStream {
                try ctx.checkInterrupted()
                guard i < stop else { return nil }
                let chunkEnd = min(i + 4096, stop)
                defer { i = chunkEnd }
                // Wrapping: the element lies between start and end, though index × step may not fit an Int.
                return (i..<chunkEnd).map { start &+ $0 &* step }
            }
        }
    }

    /// An RDD with no partitions.
    ///
    /// Mirrors Spark's `SparkContext.emptyRDD`.
    @inlinable
    public func emptyRDD<T>(of type: T.Type = T.self, file: String = #fileID, line: Int = #line) -> RDD<T> {
        let mark = idMark
        return recorded(EmptyRDDOperator<T>.self, "emptyRDD", mark: mark, inputs: [], file: file, line: line,
                        emptyRDDRecords(of: T.self, file: file, line: line))
    }

    @usableFromInline
    func emptyRDDRecords<T>(of type: T.Type, file: String, line: Int) -> RDD<T> {
        RDD<T>(context: self, kind: "EmptyRDD", operation: "emptyRDD", numPartitions: 0, dependencies: [],
               callSite: makeCallSite(file, line)) { _, _ in .empty }
    }

    /// The records of all `rdds`, one after another: their partitions side by side, no shuffle.
    ///
    /// Mirrors Spark's `SparkContext.union`: the result has no partitioner.
    @inlinable
    public func union<T>(_ rdds: [RDD<T>], file: String = #fileID, line: Int = #line) -> RDD<T> {
        let mark = idMark
        return recorded(UnionOperator<T>.self, "union", mark: mark, inputs: rdds.map { $0 }, file: file, line: line,
                        unionRDD(rdds, file: file, line: line))
    }

    @usableFromInline
    func unionRDD<T>(_ rdds: [RDD<T>], file: String, line: Int) -> RDD<T> {
        var offsets: [Int] = []
        var total = 0
        for r in rdds {
            offsets.append(total)
            total += r.numPartitions
        }
        let parents = rdds
        let starts = offsets
        let locate: @Sendable (Int) -> (RDD<T>, Int) = { p in
            var i = starts.count - 1
            while starts[i] > p { i -= 1 }
            // Skip parents with zero partitions that share the offset.
            while parents[i].numPartitions == 0 || p - starts[i] >= parents[i].numPartitions { i += 1 }
            return (parents[i], p - starts[i])
        }
        return RDD<T>(context: self, kind: "UnionRDD", operation: "union", numPartitions: total,
                      dependencies: rdds.map { .narrow($0) }, callSite: makeCallSite(file, line),
                      locations: { p in let (r, q) = locate(p); return r.preferredLocations(q) }) { p, ctx in
            let (r, q) = locate(p)
            return try r.iterator(q, ctx)
        }
    }
}
