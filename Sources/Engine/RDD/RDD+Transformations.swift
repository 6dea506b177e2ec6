import Runtime
import Scheduler

extension RDD {
    /// An RDD whose partition i is computed from this RDD's partition i by `transform`
    /// (a one-to-one narrow dependency), as Spark's MapPartitionsRDD.
    @inlinable
    func derive<U>(_ operation: String, callSite: String, preservesPartitioning: Bool = false,
                   argumentError: String? = nil, _ transform: @escaping @Sendable (Int, TaskContext, PartitionStream<T>) throws -> PartitionStream<U>) -> RDD<U> {
        let parent = self
        return RDD<U>(context: context, kind: "MapPartitionsRDD", operation: operation, numPartitions: numPartitions,
                      dependencies: [.narrow(self)], partitioner: preservesPartitioning ? partitioner : nil,
                      callSite: callSite, locations: { parent.preferredLocations($0) },
                      argumentError: argumentError) { p, ctx in
            try transform(p, ctx, try parent.iterator(p, ctx))
        }
    }

    /// Applies `f` to every record.
    ///
    /// Mirrors Spark's `RDD.map`: a narrow transformation (no shuffle); the result has no
    /// partitioner. `f` is `@Sendable` and runs on task threads; for executors in other
    /// processes it must be a closure literal that captures nothing, or use
    /// ``map(_:file:line:)->RDD<F.Output>`` with a named ``MapFunction`` type.
    /// - Throws: nothing here; an error thrown by `f` fails its task, and after
    ///   `engine.task.maxFailures` attempts the action fails with `EngineError.jobFailed`.
    @inlinable
    public func map<U>(_ f: @escaping @Sendable (T) throws -> U, file: String = #fileID, line: Int = #line) -> RDD<U> {
        map(shipping: .of(f), f, file: file, line: line)
    }

    @inlinable
    func mapRDD<U>(_ f: @escaping @Sendable (T) throws -> U, file: String, line: Int) -> RDD<U> {
        derive("map", callSite: makeCallSite(file, line)) { _, _, input in
            PartitionStream(next: {
                guard let chunk = try input.next() else { return nil }
                var out: [U] = []
                out.reserveCapacity(chunk.count)
                for x in chunk { out.append(try f(x)) }
                return out
            }, push: { sink in try input.forEachRecord { x in try sink(try f(x)) } })
        }
    }

    /// Applies `f` to every record and flattens the sequences it returns.
    ///
    /// Mirrors Spark's `RDD.flatMap`: narrow; the result has no partitioner.
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func flatMap<S: Sequence>(_ f: @escaping @Sendable (T) throws -> S, file: String = #fileID,
                                     line: Int = #line) -> RDD<S.Element> {
        flatMap(shipping: .of(f), f, file: file, line: line)
    }

    @inlinable
    func flatMapRDD<S: Sequence>(_ f: @escaping @Sendable (T) throws -> S, file: String, line: Int) -> RDD<S.Element> {
        derive("flatMap", callSite: makeCallSite(file, line)) { _, _, input in
            var expected = 0  // the last chunk's fan-out, so appends rarely reallocate
            return PartitionStream(next: {
                guard let chunk = try input.next() else { return nil }
                var out: [S.Element] = []
                out.reserveCapacity(Swift.max(chunk.count, expected + expected / 8))
                for x in chunk {
                    for y in try f(x) { out.append(y) }
                }
                expected = out.count
                return out
            }, push: { sink in try input.forEachRecord { x in for y in try f(x) { try sink(y) } } })
        }
    }

    /// Keeps the records for which `predicate` is true. Keeps the partitioner.
    ///
    /// Mirrors Spark's `RDD.filter`: narrow.
    /// - Throws: nothing here; an error thrown by `predicate` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func filter(_ predicate: @escaping @Sendable (T) throws -> Bool, file: String = #fileID,
                       line: Int = #line) -> RDD<T> {
        filter(shipping: .predicate(predicate), predicate, file: file, line: line)
    }

    @inlinable
    func filterRDD(_ predicate: @escaping @Sendable (T) throws -> Bool, file: String, line: Int) -> RDD<T> {
        derive("filter", callSite: makeCallSite(file, line), preservesPartitioning: true) { _, _, input in
            PartitionStream(next: {
                guard let chunk = try input.next() else { return nil }
                return try chunk.filter(predicate)
            }, push: { sink in try input.forEachRecord { x in if try predicate(x) { try sink(x) } } })
        }
    }

    /// Applies `f` to each partition's records as an iterator; `f` returns the new partition's records.
    ///
    /// Mirrors Spark's `RDD.mapPartitions`: narrow. With `preservesPartitioning: true` the result
    /// keeps this RDD's partitioner (promise that `f` keeps every key where it was).
    /// - Throws: nothing here; an error thrown by `f` or by the iterator fails the action (`EngineError.jobFailed`).
    @inlinable
    public func mapPartitions<S: Sequence & SendableMetatype>(preservesPartitioning: Bool = false,
                                           _ f: @escaping @Sendable (PartitionIterator<T>) throws -> S,
                                           file: String = #fileID, line: Int = #line) -> RDD<S.Element> {
        mapPartitions(shipping: .partitions(f), preservesPartitioning: preservesPartitioning, f, file: file, line: line)
    }

    @inlinable
    func mapPartitionsRDD<S: Sequence & SendableMetatype>(preservesPartitioning: Bool,
                                                          _ f: @escaping @Sendable (PartitionIterator<T>) throws -> S,
                                                          file: String, line: Int) -> RDD<S.Element> {
        mapPartitionsWithIndexRDD(preservesPartitioning: preservesPartitioning, { _, it in try f(it) },
                                  operation: "mapPartitions", file: file, line: line)
    }

    /// Like ``mapPartitions(preservesPartitioning:_:file:line:)-(_,(PartitionIterator<T>)->S,_,_)``, also giving `f` the partition index.
    ///
    /// Mirrors Spark's `RDD.mapPartitionsWithIndex`. `operation` names the call in logs and lineage.
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func mapPartitionsWithIndex<S: Sequence & SendableMetatype>(preservesPartitioning: Bool = false,
                                                    _ f: @escaping @Sendable (Int, PartitionIterator<T>) throws -> S,
                                                    operation: String = "mapPartitionsWithIndex",
                                                    file: String = #fileID, line: Int = #line) -> RDD<S.Element> {
        mapPartitionsWithIndex(shipping: .indexedPartitions(f), preservesPartitioning: preservesPartitioning, f,
                               operation: operation, file: file, line: line)
    }

    @inlinable
    func mapPartitionsWithIndexRDD<S: Sequence & SendableMetatype>(preservesPartitioning: Bool,
                                                                   _ f: @escaping @Sendable (Int, PartitionIterator<T>) throws -> S,
                                                                   operation: String, file: String, line: Int) -> RDD<S.Element> {
        derive(operation, callSite: makeCallSite(file, line), preservesPartitioning: preservesPartitioning) { p, _, input in
            let it = PartitionIterator(input)
            var results = try f(p, it).makeIterator()
            var finished = false
            return PartitionStream {
                if finished { return nil }
                var chunk: [S.Element] = []
                chunk.reserveCapacity(1024)
                while chunk.count < 4096 {
                    guard let y = results.next() else {
                        finished = true
                        break
                    }
                    chunk.append(y)
                }
                try it.rethrowIfFailed()
                return chunk.isEmpty && finished ? nil : chunk
            }
        }
    }

    /// Each partition's records as one array.
    ///
    /// Mirrors Spark's `RDD.glom`: narrow. Each partition is held in memory whole.
    @inlinable
    public func glom(file: String = #fileID, line: Int = #line) -> RDD<[T]> {
        let mark = context.idMark
        return context.recorded(GlomOperator<T>.self, "glom", mark: mark, inputs: [self], file: file, line: line,
                                glomRDD(file: file, line: line))
    }

    @inlinable
    func glomRDD(file: String, line: Int) -> RDD<[T]> {
        derive("glom", callSite: makeCallSite(file, line)) { _, _, input in
            var done = false
            return PartitionStream {
                if done { return nil }
                done = true
                return [try input.collectAll()]
            }
        }
    }

    /// Pairs each record with the key `f` computes for it.
    ///
    /// Mirrors Spark's `RDD.keyBy`: narrow; the result has no partitioner.
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func keyBy<K>(_ f: @escaping @Sendable (T) throws -> K, file: String = #fileID,
                         line: Int = #line) -> RDD<(K, T)> {
        keyBy(shipping: .of(f), f, file: file, line: line)
    }

    @inlinable
    func keyByRDD<K>(_ f: @escaping @Sendable (T) throws -> K, file: String, line: Int) -> RDD<(K, T)> {
        derive("keyBy", callSite: makeCallSite(file, line)) { _, _, input in
            PartitionStream(next: {
                guard let chunk = try input.next() else { return nil }
                var out: [(K, T)] = []
                out.reserveCapacity(chunk.count)
                for x in chunk { out.append((try f(x), x)) }
                return out
            }, push: { sink in try input.forEachRecord { x in try sink((try f(x), x)) } })
        }
    }

    /// The records of this RDD and then of `other`: partitions of both, no shuffle.
    ///
    /// Mirrors Spark's `RDD.union`: the result has `numPartitions + other.numPartitions` partitions
    /// and no partitioner; records are not deduplicated (see ``distinct(numPartitions:file:line:)->RDD<T>``).
    @inlinable
    public func union(_ other: RDD<T>, file: String = #fileID, line: Int = #line) -> RDD<T> {
        context.union([self, other], file: file, line: line)
    }

    /// A sample of the records: each kept with probability `fraction` (without replacement), or
    /// repeated a Poisson(`fraction`) number of times (with replacement). The same seed gives the same sample.
    ///
    /// Mirrors Spark's `RDD.sample`: narrow; each partition draws from its own generator seeded
    /// from `seed` and its index. A negative `fraction`, or one above 1 without replacement, is
    /// reported by the first action as `EngineError.invalidArgument`.
    @inlinable
    public func sample(withReplacement: Bool, fraction: Double, seed: UInt64 = 0x5eed,
                       file: String = #fileID, line: Int = #line) -> RDD<T> {
        let mark = context.idMark
        return context.recorded(SampleOperator<T>.self, "sample", mark: mark, inputs: [self],
                                params: SampleParams(withReplacement: withReplacement, fraction: fraction, seed: seed),
                                file: file, line: line,
                                sampleRDD(withReplacement: withReplacement, fraction: fraction, seed: seed, file: file, line: line))
    }

    @inlinable
    func sampleRDD(withReplacement: Bool, fraction: Double, seed: UInt64, file: String, line: Int) -> RDD<T> {
        let f = Swift.max(0, fraction)
        var bad: String?
        if !(fraction >= 0) { bad = "sample: fraction must be ≥ 0, got \(fraction)" }
        if fraction == .infinity { bad = "sample: fraction must be a finite number, got \(fraction)" }
        if !withReplacement && fraction > 1 {
            bad = "sample: without replacement the fraction must be in [0, 1], got \(fraction)"
        }
        return derive("sample", callSite: makeCallSite(file, line), preservesPartitioning: true,
                      argumentError: bad) { p, _, input in
            var rng = SplitMix64(seed: seed &+ UInt64(p) &* 0x9E37_79B9_7F4A_7C15)
            return PartitionStream {
                guard let chunk = try input.next() else { return nil }
                var out: [T] = []
                for x in chunk {
                    if withReplacement {
                        let k = rng.nextPoisson(mean: f)
                        for _ in 0..<k { out.append(x) }
                    } else if rng.nextDouble() < f {
                        out.append(x)
                    }
                }
                return out
            }
        }
    }

    /// At most `numPartitions` partitions made by merging neighbouring partitions, without a shuffle;
    /// with `shuffle: true`, see `repartition(_:)`.
    ///
    /// Mirrors Spark's `RDD.coalesce(numPartitions, shuffle = false)`: partition i of the result
    /// reads a contiguous range of this RDD's partitions. Asking for more partitions than there are
    /// keeps the current count. A count below 1 is reported by the first action as
    /// `EngineError.invalidArgument`.
    @inlinable
    public func coalesce(_ numPartitions: Int, file: String = #fileID, line: Int = #line) -> RDD<T> {
        let mark = context.idMark
        return context.recorded(CoalesceOperator<T>.self, "coalesce", mark: mark, inputs: [self], params: numPartitions,
                                file: file, line: line, coalesceRDD(numPartitions, file: file, line: line))
    }

    @usableFromInline
    func coalesceRDD(_ numPartitions: Int, file: String, line: Int) -> RDD<T> {
        let target = Swift.max(1, Swift.min(numPartitions, self.numPartitions))
        let parentCount = self.numPartitions
        let parent = self
        let groups: [Range<Int>] = (0..<target).map { i in (i * parentCount / target)..<((i + 1) * parentCount / target) }
        return RDD<T>(context: context, kind: "CoalescedRDD", operation: "coalesce", numPartitions: parentCount == 0 ? 0 : target,
                      dependencies: [.narrow(self)], callSite: makeCallSite(file, line),
                      locations: { p in groups[p].flatMap { parent.preferredLocations($0) } },
                      argumentError: numPartitions < 1 ? "coalesce: numPartitions must be at least 1, got \(numPartitions)" : nil) { p, ctx in
            var members = groups[p].makeIterator()
            var current: PartitionStream<T>?
            return PartitionStream {
                while true {
                    if current == nil {
                        guard let next = members.next() else { return nil }
                        current = try parent.iterator(next, ctx)
                    }
                    if let chunk = try current!.next() { return chunk }
                    current = nil
                }
            }
        }
    }

    /// Every pair `(a, b)` with `a` from this RDD and `b` from `other`.
    ///
    /// Mirrors Spark's `RDD.cartesian`: `numPartitions × other.numPartitions` partitions; each
    /// task reads one partition of `other` into memory.
    @inlinable
    public func cartesian<U>(_ other: RDD<U>, file: String = #fileID, line: Int = #line) -> RDD<(T, U)> {
        let mark = context.idMark
        return context.recorded(CartesianOperator<T, U>.self, "cartesian", mark: mark, inputs: [self, other],
                                file: file, line: line, cartesianRDD(other, file: file, line: line))
    }

    @inlinable
    func cartesianRDD<U>(_ other: RDD<U>, file: String, line: Int) -> RDD<(T, U)> {
        let left = self
        let n = other.numPartitions
        return RDD<(T, U)>(context: context, kind: "CartesianRDD", operation: "cartesian",
                           numPartitions: numPartitions * n, dependencies: [.narrow(self), .narrow(other)],
                           callSite: makeCallSite(file, line)) { p, ctx in
            let rightRecords = try other.iterator(p % n, ctx).collectAll()
            let input = try left.iterator(p / n, ctx)
            return PartitionStream {
                guard let chunk = try input.next() else { return nil }
                var out: [(T, U)] = []
                out.reserveCapacity(chunk.count * rightRecords.count)
                for a in chunk { for b in rightRecords { out.append((a, b)) } }
                return out
            }
        }
    }

    /// Pairs each record with its index: partition 0's records first, then partition 1's, ….
    /// Runs a job to count the records of every partition but the last, as Spark does.
    ///
    /// Mirrors Spark's `RDD.zipWithIndex`.
    /// - Throws: `EngineError` from the counting job (see ``collect(file:line:)``); nothing when
    ///   the RDD has one partition or none.
    @inlinable
    public func zipWithIndex(file: String = #fileID, line: Int = #line) throws(EngineError) -> RDD<(T, Int)> {
        var starts = [0]
        if numPartitions > 1 {
            let counts = try context.runJob(self, partitions: Array(0..<(numPartitions - 1)), callSite: makeCallSite(file, line),
                                            function: context.recordCall(CountAction<T>.self, "zipWithIndex", inputs: [self],
                                                                         file: file, line: line) { CountAction<T>.make() })
            for c in counts { starts.append(starts.last! + c) }
        }
        let mark = context.idMark
        return context.recorded(ZipWithIndexOperator<T>.self, "zipWithIndex", mark: mark, inputs: [self], params: starts,
                                file: file, line: line, zipWithIndexRDD(starts: starts, file: file, line: line))
    }

    /// ``zipWithIndex(file:line:)`` once the index of each partition's first record is known.
    @inlinable
    func zipWithIndexRDD(starts offsets: [Int], file: String, line: Int) -> RDD<(T, Int)> {
        let site = makeCallSite(file, line)
        return derive("zipWithIndex", callSite: site) { p, _, input in
            var next = offsets[p]
            return PartitionStream {
                guard let chunk = try input.next() else { return nil }
                var out: [(T, Int)] = []
                out.reserveCapacity(chunk.count)
                for x in chunk {
                    out.append((x, next))
                    next += 1
                }
                return out
            }
        }
    }
}
