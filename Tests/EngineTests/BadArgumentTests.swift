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

    @Test func badCountsAndFractionsFailTheAction() throws {
        let ctx = try context()
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
