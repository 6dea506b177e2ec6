import Testing
@testable import Engine

/// A bad argument to a transformation never crashes: the first action on the RDD throws
/// one clear `invalidArgument` naming the operation, before any task runs.
@Suite struct BadArgumentTests {
    private func context() throws -> EngineContext {
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.log.level", "error")
        return try EngineContext(master: "local[2]", appName: "bad-arguments", conf: conf)
    }

    private func expectInvalid<T>(_ rdd: @autoclosure () throws -> RDD<T>, mentions word: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let r = try rdd()
            _ = try r.count()
            Issue.record("expected invalidArgument mentioning \(word)", sourceLocation: sourceLocation)
        } catch let error as EngineError {
            guard case .invalidArgument(let message) = error else {
                Issue.record("expected invalidArgument, got \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(message.contains(word), "\(message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: Master.both)
    func badCountsAndFractionsFailTheAction(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let nums = ctx.parallelize(Array(0..<100), numSlices: 3)
        let pairs = nums.map { ($0 % 7, $0) }
        expectInvalid(ctx.parallelize([1, 2, 3], numSlices: 0), mentions: "parallelize")
        expectInvalid(try ctx.range(0, 10, numSlices: -1), mentions: "range")
        expectInvalid(try ctx.range(0, 10, step: 0), mentions: "step")
        expectInvalid(nums.repartition(0), mentions: "repartition")
        expectInvalid(nums.coalesce(0), mentions: "coalesce")
        expectInvalid(nums.sample(withReplacement: false, fraction: -0.5), mentions: "sample")
        expectInvalid(nums.sample(withReplacement: false, fraction: 1.5), mentions: "sample")
        expectInvalid(pairs.reduceByKey(numPartitions: 0, +), mentions: "reduceByKey")
        expectInvalid(pairs.groupByKey(partitioner: HashPartitioner(-1)), mentions: "groupByKey")
        expectInvalid(pairs.partitionBy(HashPartitioner(0)), mentions: "partitionBy")
        expectInvalid(pairs.join(pairs, numPartitions: 0), mentions: "join")
        expectInvalid(try pairs.sortByKey(numPartitions: 0), mentions: "sortByKey")
        expectInvalid(nums.distinct(numPartitions: 0).map { $0 + 1 }, mentions: "reduceByKey")
        // A bad RDD downstream of a good one does not spoil the good one.
        #expect(try nums.count() == 100)
        // Sampling with replacement may exceed 1.
        #expect(try nums.sample(withReplacement: true, fraction: 2.0).count() > 100)
    }
}

/// One test per argument guard added at the API boundary: each fails (or stops the test
/// process, as the code did before) without its guard.
@Suite struct BadArgumentBoundaryTests {
    private func context(_ extra: [String: String] = [:]) throws -> EngineContext {
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.log.level", "error")
        for (k, v) in extra { conf.set(k, v) }
        return try EngineContext(master: "local[2]", appName: "bad-arguments", conf: conf)
    }

    /// The message of the `invalidArgument` error `action` throws, or nil (recorded as an issue).
    private func invalidArgument(_ action: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        guard let error = #expect(throws: EngineError.self, sourceLocation: sourceLocation, performing: action) else {
            return nil
        }
        guard case .invalidArgument(let message) = error else {
            Issue.record("expected invalidArgument, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
        return message
    }

    @Test(arguments: Master.both)
    func sampleWithAnInfiniteFractionFailsTheAction(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let nums = ctx.parallelize(Array(0..<10), numSlices: 2)
        let message = invalidArgument { _ = try nums.sample(withReplacement: true, fraction: .infinity).count() }
        #expect(message == "sample: fraction must be a finite number, got inf")
        #expect(try nums.count() == 10)
    }

    @Test(arguments: Master.both)
    func rangeOfMoreThanIntMaxElementsIsRefused(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let message = invalidArgument { _ = try ctx.range(Int.min, Int.max) }
        #expect(message?.hasPrefix("range(\(Int.min), \(Int.max), step: 1) has 18446744073709551615 elements") == true,
                "\(message ?? "")")
        let down = invalidArgument { _ = try ctx.range(Int.max, Int.min, step: -1) }
        #expect(down?.contains("has 18446744073709551615 elements") == true, "\(down ?? "")")
    }

    @Test(arguments: Master.both)
    func persistRefusesReplicationBelowOne(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let nums = ctx.parallelize(Array(0..<10), numSlices: 2)
        let level = StorageLevel(useDisk: false, useMemory: true, deserialized: true, replication: 0)
        let message = invalidArgument { try nums.persist(level) }
        #expect(message?.contains("with replication 0: a StorageLevel keeps from 1 to 64 copies") == true, "\(message ?? "")")
        #expect(nums.storageLevel == .NONE)
        #expect(try nums.count() == 10)
    }

    @Test(arguments: Master.both)
    func persistRefusesReplicationAboveTheMaximum(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let nums = ctx.parallelize(Array(0..<10), numSlices: 2)
        let level = StorageLevel(useDisk: true, useMemory: true, deserialized: true, replication: StorageLevel.maxReplication + 1)
        let message = invalidArgument { try nums.persist(level) }
        #expect(message?.contains("with replication 65") == true, "\(message ?? "")")
        #expect(nums.storageLevel == .NONE)
    }

    @Test func broadcastBlockSizeBelowOneByteIsABadConf() throws {
        let error = #expect(throws: EngineError.self) { _ = try context(["engine.broadcast.blockSize": "0"]) }
        guard case .badConf(let key, let value, let expected)? = error else {
            Issue.record("expected badConf, got \(String(describing: error))")
            return
        }
        #expect(key == "engine.broadcast.blockSize" && value == "0")
        #expect(expected.contains("at least 1 byte"), "\(expected)")
        // One byte is a (tiny) valid piece size.
        let ctx = try context(["engine.broadcast.blockSize": "1"])
        defer { ctx.stop() }
        let b = try ctx.broadcast([1, 2, 3])
        #expect(try ctx.parallelize([0, 1, 2], numSlices: 2).map { try b.value[$0] }.collect() == [1, 2, 3])
    }
}

/// Arguments at the edge of Int's range give the right records instead of an overflow trap.
@Suite struct ExtremeArgumentTests {
    @Test(arguments: Master.both)
    func takeIntMaxReturnsEveryRecord(_ master: Master) throws {
        try withContext(master) { ctx throws in
            // One record a partition: after the first, the estimate of partitions still needed,
            // 1.5 × Int.max × 1 / 1, is beyond Int.
            let nums = ctx.parallelize(Array(0..<8), numSlices: 8)
            #expect(try nums.take(Int.max) == Array(0..<8))
            #expect(try nums.take(Int.max / 2) == Array(0..<8))
        }
    }

    @Test(arguments: Master.both)
    func rangeReachesIntMax(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let step = Int.max / 2  // 4611686018427387903
            #expect(try ctx.range(0, Int.max, step: step, numSlices: 2).collect() == [0, 4611686018427387903, 9223372036854775806])
            #expect(try ctx.range(Int.max, 0, step: -step, numSlices: 2).collect() == [Int.max, 4611686018427387904, 1])
            #expect(try ctx.range(Int.min, Int.min + 3).collect() == [Int.min, Int.min + 1, Int.min + 2])
            // Index × step exceeds Int, the element does not.
            #expect(try ctx.range(Int.min + 1, Int.max, step: step).collect()
                    == [Int.min + 1, -4611686018427387904, -1, 4611686018427387902, 9223372036854775805])
        }
    }

    @Test(arguments: Master.both)
    func rangeOfIntMaxElementsSlicesWithoutOverflow(_ master: Master) throws {
        try withContext(master) { ctx throws in
            // Slice p starts at p × Int.max / 4, whose product exceeds Int for p ≥ 2.
            let firsts = try ctx.range(0, Int.max, numSlices: 4).mapPartitions { it in it.next().map { [$0] } ?? [] }.collect()
            #expect(firsts == [0, 2305843009213693951, 4611686018427387903, 6917529027641081855])
        }
    }

    @Test func partitionStreamOfTakesChunkSizesBelowOneAsOne() throws {
        #expect(try PartitionStream.of([1, 2, 3], chunkSize: -1).collectAll() == [1, 2, 3])
        #expect(try PartitionStream.of([1, 2, 3], chunkSize: 0).next() == [1])
    }

    @Test func partitionStreamChunkingTakesChunkSizesBelowOneAsOne() throws {
        let stream = PartitionStream<Int>.chunking([1, 2, 3], chunkSize: 0)
        var chunks: [[Int]] = []
        for _ in 0..<5 { if let c = try stream.next() { chunks.append(c) } }  // bounded: no hang without the guard
        #expect(chunks == [[1], [2], [3]])
    }
}
