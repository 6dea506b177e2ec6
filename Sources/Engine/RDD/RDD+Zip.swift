import Runtime
import Scheduler
import Storage

extension RDD {
    /// Pairs the i-th record of this RDD with the i-th record of `other`, partition by partition.
    ///
    /// Mirrors Spark's `RDD.zip`: both RDDs must have the same number of partitions (else the
    /// first action fails with `EngineError.invalidArgument` before any task runs) and the same
    /// number of records in each partition (else the task computing a mismatched partition fails,
    /// and the action with `EngineError.jobFailed`, as Spark's SparkException). Narrow: no shuffle.
    @inlinable
    public func zip<U>(_ other: RDD<U>, file: String = #fileID, line: Int = #line) -> RDD<(T, U)> {
        let mark = context.idMark
        return context.recorded(ZipOperator<T, U>.self, "zip", mark: mark, inputs: [self, other], file: file, line: line,
                                zipRDD(other, file: file, line: line))
    }

    @inlinable
    func zipRDD<U>(_ other: RDD<U>, file: String, line: Int) -> RDD<(T, U)> {
        zippedRDD(other, operation: "zip", preservesPartitioning: false, file: file, line: line) { p, _, a, b in
            var left: [T] = [], right: [U] = []
            var li = 0, ri = 0
            var leftDone = false, rightDone = false
            return PartitionStream {
                while li >= left.count && !leftDone {
                    if let c = try a.next() { (left, li) = (c, 0) } else { (leftDone, left, li) = (true, [], 0) }
                }
                while ri >= right.count && !rightDone {
                    if let c = try b.next() { (right, ri) = (c, 0) } else { (rightDone, right, ri) = (true, [], 0) }
                }
                let n = Swift.min(left.count - li, right.count - ri)
                if n == 0 {
                    if leftDone && rightDone { return nil }
                    throw EngineError.invalidArgument(
                        "zip: can only zip RDDs with the same number of records in each partition; partition \(p) "
                            + "has more records in the \(leftDone ? "second" : "first") RDD")
                }
                var out: [(T, U)] = []
                out.reserveCapacity(n)
                for k in 0..<n { out.append((left[li + k], right[ri + k])) }
                li += n
                ri += n
                return out
            }
        }
    }

    /// An RDD whose partition i is `combine` of partition i of this RDD and of `other`, as Spark's
    /// ZippedPartitionsRDD2. Unequal partition counts are reported by the first action.
    @inlinable
    func zippedRDD<U, V>(_ other: RDD<U>, operation: String, preservesPartitioning: Bool, file: String, line: Int,
                         _ combine: @escaping @Sendable (Int, TaskContext, PartitionStream<T>, PartitionStream<U>) throws
                             -> PartitionStream<V>) -> RDD<V> {
        let left = self
        let counts = [numPartitions, other.numPartitions]
        let bad = counts[0] == counts[1] ? nil
            : "\(operation): can't zip RDDs with unequal numbers of partitions: \(counts); repartition one to the other's count"
        return RDD<V>(context: context, kind: "ZippedPartitionsRDD2", operation: operation, numPartitions: numPartitions,
                      dependencies: [.narrow(self), .narrow(other)],
                      partitioner: preservesPartitioning ? partitioner : nil, callSite: makeCallSite(file, line),
                      locations: { left.preferredLocations($0) }, argumentError: bad) { p, ctx in
            try combine(p, ctx, try left.iterator(p, ctx), try other.iterator(p, ctx))
        }
    }

    /// Applies `f` to partition i of this RDD and of `other` together; `f` returns the new partition's records.
    ///
    /// Mirrors Spark's `RDD.zipPartitions(rdd2, preservesPartitioning)(f)`: both RDDs must have the
    /// same number of partitions (else the first action fails with `EngineError.invalidArgument`);
    /// their partitions may hold different numbers of records. With `preservesPartitioning` the
    /// result keeps this RDD's partitioner.
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func zipPartitions<U, S: Sequence & SendableMetatype>(
        _ other: RDD<U>, preservesPartitioning: Bool = false,
        _ f: @escaping @Sendable (PartitionIterator<T>, PartitionIterator<U>) throws -> S,
        file: String = #fileID, line: Int = #line
    ) -> RDD<S.Element> {
        let mark = context.idMark
        return context.recorded(ZipPartitionsOperator<T, U, S>.self, "zipPartitions", mark: mark, inputs: [self, other],
                                functions: [.zippedPartitions(f)], params: preservesPartitioning, file: file, line: line,
                                zipPartitionsRDD(other, preservesPartitioning: preservesPartitioning, f, file: file, line: line))
    }

    @inlinable
    func zipPartitionsRDD<U, S: Sequence & SendableMetatype>(
        _ other: RDD<U>, preservesPartitioning: Bool,
        _ f: @escaping @Sendable (PartitionIterator<T>, PartitionIterator<U>) throws -> S, file: String, line: Int
    ) -> RDD<S.Element> {
        zippedRDD(other, operation: "zipPartitions", preservesPartitioning: preservesPartitioning, file: file,
                  line: line) { _, _, a, b in
            let ia = PartitionIterator(a), ib = PartitionIterator(b)
            return streamOfResults(try f(ia, ib)) {
                try ia.rethrowIfFailed()
                try ib.rethrowIfFailed()
            }
        }
    }

    /// Applies `f` to partition i of this RDD, of `b` and of `c` together.
    ///
    /// Mirrors Spark's `RDD.zipPartitions(rdd2, rdd3, preservesPartitioning)(f)`: all three must
    /// have the same number of partitions (else the first action fails with `EngineError.invalidArgument`).
    /// - Throws: nothing here; an error thrown by `f` fails the action (`EngineError.jobFailed`).
    @inlinable
    public func zipPartitions<B, C, S: Sequence & SendableMetatype>(
        _ b: RDD<B>, _ c: RDD<C>, preservesPartitioning: Bool = false,
        _ f: @escaping @Sendable (PartitionIterator<T>, PartitionIterator<B>, PartitionIterator<C>) throws -> S,
        file: String = #fileID, line: Int = #line
    ) -> RDD<S.Element> {
        let mark = context.idMark
        return context.recorded(ZipPartitions3Operator<T, B, C, S>.self, "zipPartitions", mark: mark, inputs: [self, b, c],
                                functions: [.zippedPartitions(f)], params: preservesPartitioning, file: file, line: line,
                                zipPartitionsRDD(b, c, preservesPartitioning: preservesPartitioning, f, file: file, line: line))
    }

    @inlinable
    func zipPartitionsRDD<B, C, S: Sequence & SendableMetatype>(
        _ b: RDD<B>, _ c: RDD<C>, preservesPartitioning: Bool,
        _ f: @escaping @Sendable (PartitionIterator<T>, PartitionIterator<B>, PartitionIterator<C>) throws -> S,
        file: String, line: Int
    ) -> RDD<S.Element> {
        let a = self
        let counts = [numPartitions, b.numPartitions, c.numPartitions]
        let bad = Set(counts).count == 1 ? nil
            : "zipPartitions: can't zip RDDs with unequal numbers of partitions: \(counts); repartition them to one count"
        return RDD<S.Element>(context: context, kind: "ZippedPartitionsRDD3", operation: "zipPartitions",
                              numPartitions: numPartitions, dependencies: [.narrow(self), .narrow(b), .narrow(c)],
                              partitioner: preservesPartitioning ? partitioner : nil, callSite: makeCallSite(file, line),
                              locations: { a.preferredLocations($0) }, argumentError: bad) { p, ctx in
            let ia = PartitionIterator(try a.iterator(p, ctx))
            let ib = PartitionIterator(try b.iterator(p, ctx)), ic = PartitionIterator(try c.iterator(p, ctx))
            return streamOfResults(try f(ia, ib, ic)) {
                try ia.rethrowIfFailed()
                try ib.rethrowIfFailed()
                try ic.rethrowIfFailed()
            }
        }
    }

    /// Pairs each record with a unique id: the k-th record (from 0) of partition p gets `k × n + p`,
    /// n being the partition count. Runs no job; the ids are not consecutive (see ``zipWithIndex(file:line:)``).
    ///
    /// Mirrors Spark's `RDD.zipWithUniqueId`.
    @inlinable
    public func zipWithUniqueId(file: String = #fileID, line: Int = #line) -> RDD<(T, Int)> {
        let mark = context.idMark
        return context.recorded(ZipWithUniqueIdOperator<T>.self, "zipWithUniqueId", mark: mark, inputs: [self],
                                file: file, line: line, zipWithUniqueIdRDD(file: file, line: line))
    }

    @inlinable
    func zipWithUniqueIdRDD(file: String, line: Int) -> RDD<(T, Int)> {
        let n = numPartitions
        return derive("zipWithUniqueId", callSite: makeCallSite(file, line)) { p, _, input in
            var k = 0
            return PartitionStream {
                guard let chunk = try input.next() else { return nil }
                var out: [(T, Int)] = []
                out.reserveCapacity(chunk.count)
                for x in chunk {
                    out.append((x, k * n + p))
                    k += 1
                }
                return out
            }
        }
    }
}

/// The elements of `results` in chunks; `check` runs after each chunk (to rethrow an input's error).
@inlinable
func streamOfResults<S: Sequence>(_ results: S, check: @escaping () throws -> Void) -> PartitionStream<S.Element> {
    var it = results.makeIterator()
    var finished = false
    return PartitionStream {
        if finished { return nil }
        var chunk: [S.Element] = []
        chunk.reserveCapacity(1024)
        while chunk.count < 4096 {
            guard let y = it.next() else {
                finished = true
                break
            }
            chunk.append(y)
        }
        try check()
        return chunk.isEmpty && finished ? nil : chunk
    }
}
