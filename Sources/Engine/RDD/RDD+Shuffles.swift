import Runtime
import Scheduler
import Storage

/// Sends key i to partition i mod n: the round-robin of `repartition`.
@usableFromInline
struct RoundRobinPartitioner: KeyPartitioner {
    @usableFromInline let numPartitions: Int
    @inlinable init(_ n: Int) { numPartitions = n }
    @inlinable func partition(for key: Int) -> Int { key % numPartitions }
    @usableFromInline func isEqual(to other: any Partitioner) -> Bool { false }
}

extension RDD {
    /// Spreads records round-robin over `numPartitions` partitions through a shuffle, starting
    /// at a position derived from the partition index (as Spark's repartition).
    @inlinable
    func roundRobin(_ numPartitions: Int, codec: ElementCodec<T>, callSite site: String) -> RDD<T> {
        let n = Swift.max(1, numPartitions)
        let bad = numPartitions < 1 ? "repartition: numPartitions must be at least 1, got \(numPartitions)" : nil
        let keyed: RDD<(Int, T)> = derive("repartition", callSite: site, argumentError: bad) { p, _, input in
            var rng = SplitMix64(seed: UInt64(p) &* 0x2545_F491_4F6C_DD1D)
            var position = Int(rng.next() % UInt64(n))
            return PartitionStream {
                guard let chunk = try input.next() else { return nil }
                var out: [(Int, T)] = []
                out.reserveCapacity(chunk.count)
                for x in chunk {
                    position += 1
                    out.append((position, x))
                }
                return out
            }
        }
        return keyed.shuffled(RoundRobinPartitioner(n), operation: "repartition", callSite: site,
                              key: .codable, value: codec).valuesRDD(callSite: site)
    }
}

extension RDD where T: Codable & SendableMetatype {
    /// Exactly `numPartitions` partitions of about equal size, through a shuffle.
    ///
    /// Mirrors Spark's `RDD.repartition`: records are spread round-robin from a position derived
    /// from each partition's index, so the result has no partitioner. A count below 1 is reported
    /// by the first action as `EngineError.invalidArgument`.
    @inlinable
    public func repartition(_ numPartitions: Int, file: String = #fileID, line: Int = #line) -> RDD<T> {
        let mark = context.idMark
        return context.recorded(RepartitionOperator<T>.self, "repartition", mark: mark, inputs: [self], params: numPartitions,
                                file: file, line: line, roundRobin(numPartitions, codec: .codable, callSite: makeCallSite(file, line)))
    }

    /// `numPartitions` partitions: merged neighbours without a shuffle, or balanced with `shuffle: true`.
    ///
    /// Mirrors Spark's `RDD.coalesce(numPartitions, shuffle)`.
    @inlinable
    public func coalesce(_ numPartitions: Int, shuffle: Bool, file: String = #fileID, line: Int = #line) -> RDD<T> {
        shuffle ? repartition(numPartitions, file: file, line: line) : coalesce(numPartitions, file: file, line: line)
    }
}

extension RDD {
    /// Exactly `numPartitions` partitions of pairs, through a shuffle.
    ///
    /// Mirrors Spark's `RDD.repartition` for pair RDDs (pairs of `Codable` keys and values travel
    /// through the shuffle as pairs). The result has no partitioner.
    @inlinable
    public func repartition<K: Codable & SendableMetatype, V: Codable & SendableMetatype>(_ numPartitions: Int, file: String = #fileID,
                                                    line: Int = #line) -> RDD<(K, V)> where T == (K, V) {
        let mark = context.idMark
        return context.recorded(PairRepartitionOperator<K, V>.self, "repartition", mark: mark, inputs: [self],
                                params: numPartitions, file: file, line: line,
                                roundRobin(numPartitions, codec: .pair(K.self, V.self), callSite: makeCallSite(file, line)))
    }
}

extension RDD where T: Hashable & Codable & SendableMetatype {
    /// The distinct records, through a shuffle.
    ///
    /// Mirrors Spark's `RDD.distinct`: as `map { ($0, 0) }.reduceByKey { a, _ in a }.keys`, with
    /// `numPartitions` partitions, else partitioned as Spark's defaultPartitioner: this RDD's
    /// partitioner when it has one (then records are deduplicated within partitions, no
    /// shuffle), else `engine.default.parallelism` when set, else this RDD's count. An RDD of
    /// no partitions (``EngineContext/emptyRDD(of:file:line:)``) gives an empty result.
    @inlinable
    public func distinct(numPartitions: Int? = nil, file: String = #fileID, line: Int = #line) -> RDD<T> {
        let mark = context.idMark
        return context.recorded(DistinctOperator<T>.self, "distinct", mark: mark, inputs: [self],
                                params: PartitionerShape(numPartitions: numPartitions, partitioner: nil), file: file, line: line,
                                distinctRDD(numPartitions: numPartitions, file: file, line: line))
    }

    @inlinable
    func distinctRDD(numPartitions: Int?, file: String, line: Int) -> RDD<T> {
        mapRDD({ ($0, UInt8(0)) }, file: file, line: line)
            .reduceByKeyRDD(numPartitions: numPartitions, partitioner: nil, { a, _ in a },
                            file: file, line: line)
            .keysRDD(callSite: makeCallSite(file, line))
    }

    /// How many times each distinct record occurs, on the driver.
    ///
    /// Mirrors Spark's `RDD.countByValue`: a `reduceByKey` job, then the counts are collected to the driver.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func countByValue(file: String = #fileID, line: Int = #line) throws(EngineError) -> [T: Int] {
        let counts = map(PairWithOne<T>(), file: file, line: line).reduceByKey(+, file: file, line: line)
        return Dictionary(uniqueKeysWithValues: try counts.collect(file: file, line: line))
    }
}
