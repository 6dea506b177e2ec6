import Engine
import Testing

/// Puts every key in partition `answer`, whatever `numPartitions` says.
struct FixedAnswerPartitioner: KeyPartitioner {
    let numPartitions: Int
    let answer: Int
    func partition(for key: Int) -> Int { answer }
    func isEqual(to other: any Partitioner) -> Bool { false }
}

/// Partitions `String` keys only.
struct StringKeyPartitioner: KeyPartitioner {
    var numPartitions: Int { 2 }
    func partition(for key: String) -> Int { key.utf8.count % 2 }
    func isEqual(to other: any Partitioner) -> Bool { other is StringKeyPartitioner }
}

/// A custom partitioner's mistakes are the job's error, never a process stop: a partition
/// outside `0..<numPartitions` fails the map task (and the job after its retries) with
/// `partitionOutOfRange`; a partitioner that cannot take the keys, or has no partitions, fails
/// the first action as an invalid argument. The context runs other jobs afterwards.
@Suite struct PartitionerErrorTests {
    private func context() throws -> EngineContext {
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.log.level", "critical")  // the failing tasks would log each attempt
        return try EngineContext(master: "local[2]", appName: "partitioner-errors", conf: conf)
    }

    /// The action's error: a job failure whose text is the task's `partitionOutOfRange` message.
    private func expectOutOfRange(_ action: () throws -> Void, partition: Int, numPartitions: Int,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = #expect(throws: EngineError.self, sourceLocation: sourceLocation, performing: { try action() })
        else { return }
        guard case .jobFailed = error else {
            Issue.record("expected jobFailed, got \(error)", sourceLocation: sourceLocation)
            return
        }
        let text = "\(error)"
        #expect(text.contains("partitioner FixedAnswerPartitioner returned partition \(partition) for key "),
                "\(text)", sourceLocation: sourceLocation)
        #expect(text.contains("outside 0..<\(numPartitions)"), "\(text)", sourceLocation: sourceLocation)
        #expect(text.contains("must return a value from 0 through numPartitions - 1"), "\(text)",
                sourceLocation: sourceLocation)
    }

    @Test func negativePartitionFailsTheJob() throws {
        let ctx = try context()
        defer { ctx.stop() }
        let pairs = ctx.parallelize((0..<100).map { ($0, $0) }, numSlices: 3)
        let bad = pairs.partitionBy(FixedAnswerPartitioner(numPartitions: 4, answer: -1))
        expectOutOfRange({ _ = try bad.count() }, partition: -1, numPartitions: 4)
        // The process and the context survive: the next job runs.
        #expect(try pairs.reduceByKey(numPartitions: 2, +).count() == 100)
    }

    @Test func partitionEqualToNumPartitionsFailsTheJob() throws {
        let ctx = try context()
        defer { ctx.stop() }
        let pairs = ctx.parallelize((0..<100).map { ($0 % 10, 1) }, numSlices: 3)
        // reduceByKey writes through its map-side combine, partitionBy (above) through plain buffers.
        let bad = pairs.reduceByKey(partitioner: FixedAnswerPartitioner(numPartitions: 4, answer: 4), +)
        expectOutOfRange({ _ = try bad.collect() }, partition: 4, numPartitions: 4)
        #expect(try pairs.reduceByKey(+).collectAsMap() == Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, 10) }))
    }

    /// The message of the `invalidArgument` error `action` throws, or nil (recorded as an issue).
    private func invalidArgument(_ action: () throws -> Void,
                                 sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let error = #expect(throws: EngineError.self, sourceLocation: sourceLocation) { try action() }
        guard let error else { return nil }
        guard case .invalidArgument(let message) = error else {
            Issue.record("expected invalidArgument, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
        return message
    }

    @Test func partitionerOfAnotherKeyTypeIsAnInvalidArgument() throws {
        let ctx = try context()
        defer { ctx.stop() }
        let pairs = ctx.parallelize([(1, "a"), (2, "b")])
        let message = invalidArgument { _ = try pairs.partitionBy(StringKeyPartitioner()).count() }
        #expect(message?.contains("partitionBy: partitioner StringKeyPartitioner cannot partition keys of type Int") == true,
                "\(message ?? "")")
        #expect(try pairs.count() == 2)
    }

    @Test func partitionerWithoutPartitionsIsAnInvalidArgument() throws {
        let ctx = try context()
        defer { ctx.stop() }
        let pairs = ctx.parallelize([(1, 1), (2, 2)])
        for n in [0, -3] {
            let message = invalidArgument {
                _ = try pairs.groupByKey(partitioner: FixedAnswerPartitioner(numPartitions: n, answer: 0)).count()
            }
            #expect(message?.contains("groupByKey: partitioner FixedAnswerPartitioner has \(n) partitions") == true,
                    "\(message ?? "")")
        }
        #expect(try pairs.count() == 2)
    }
}
