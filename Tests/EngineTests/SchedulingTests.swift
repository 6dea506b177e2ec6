import Engine
import Foundation
import Testing

/// The DAGScheduler and TaskScheduler as a job sees them: skipped stages, task retries, aborts.
@Suite("Scheduling through the engine")
struct SchedulingTests {
    @Test("a second action on a reduceByKey result skips the shuffle map stage and does not recompute it")
    func skippedStage() throws {
        let data = randomPairs(20_000, keys: 500, skewed: true, seed: 71)
        try withContext { ctx throws in
            let mapCalls = Counters()
            let counts = ctx.parallelize(data, numSlices: 4).map { p -> (Int, Int) in
                mapCalls.add(0)
                return (p.0, 1)
            }.reduceByKey(numPartitions: 3, +)
            let first = try counts.collect()
            let s1 = try #require(ctx.lastJobSummary)
            #expect(s1.stagesRun.count == 2)
            #expect(s1.stagesSkipped.isEmpty)
            #expect(mapCalls[0] == data.count)

            #expect(try counts.count() == first.count)
            let s2 = try #require(ctx.lastJobSummary)
            #expect(s2.jobId != s1.jobId)
            #expect(s2.stagesRun.count == 1, "only the result stage ran")
            #expect(s2.stagesSkipped.count == 1, "the shuffle map stage was skipped")
            #expect(mapCalls[0] == data.count, "the map side was not computed again")

            // A new RDD on top of the same shuffle reuses it too.
            let doubled = try counts.mapValues { $0 * 2 }.collect()
            #expect(try #require(ctx.lastJobSummary).stagesSkipped.count == 1)
            #expect(Dictionary(doubled, uniquingKeysWith: +) == Dictionary(first, uniquingKeysWith: +).mapValues { $0 * 2 })
            #expect(mapCalls[0] == data.count)
        }
    }

    @Test("a task that fails twice succeeds on its third attempt with maxFailures 4")
    func retriedTaskSucceeds() throws {
        try withContext("local[3]", conf: ["engine.task.maxFailures": "4"]) { ctx throws in
            let attempts = Counters()
            let data = Array(0..<1000)
            let rdd = ctx.parallelize(data, numSlices: 5).mapPartitionsWithIndex { p, it -> [Int] in
                if attempts.add(p) <= 2 { throw InjectedFailure(tag: "partition \(p)") }
                return Array(it)
            }
            #expect(try rdd.collect() == data)
            #expect(attempts.all == [0: 3, 1: 3, 2: 3, 3: 3, 4: 3])
        }
    }

    @Test("a shuffle map task that fails twice is retried, and the shuffle's result is exact")
    func retriedMapTask() throws {
        let data = randomPairs(10_000, keys: 100, seed: 72)
        try withContext("local[2]", conf: ["engine.task.maxFailures": "4"]) { ctx throws in
            let attempts = Counters()
            let sums = ctx.parallelize(data, numSlices: 4).mapPartitionsWithIndex { p, it -> [(Int, Int)] in
                if p == 1 && attempts.add(p) <= 2 { throw InjectedFailure(tag: "map \(p)") }
                return Array(it)
            }.reduceByKey(numPartitions: 3, +)
            #expect(Dictionary(try sums.collect(), uniquingKeysWith: +) == Dictionary(data, uniquingKeysWith: +))
            #expect(attempts[1] == 3)
        }
    }

    @Test("a task that always fails aborts the job after maxFailures attempts, naming its error")
    func alwaysFailingTask() throws {
        try withContext("local[2]", conf: ["engine.task.maxFailures": "4"]) { ctx throws in
            let attempts = Counters()
            let rdd = ctx.parallelize(Array(0..<100), numSlices: 4).mapPartitionsWithIndex { p, it -> [Int] in
                if p == 2 {
                    attempts.add(p)
                    throw InjectedFailure(tag: "always-\(p)")
                }
                return Array(it)
            }
            let error = #expect(throws: EngineError.self) { _ = try rdd.collect() }
            guard case .jobFailed(let reason) = error else {
                Issue.record("expected jobFailed, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("injected failure always-2"), "\(reason)")
            #expect(reason.contains("failed 4 times"), "\(reason)")
            #expect(attempts[2] == 4)
            // The context still runs jobs.
            #expect(try ctx.parallelize([1, 2, 3], numSlices: 2).map { $0 * 2 }.collect() == [2, 4, 6])
        }
    }

    @Test("with maxFailures 1 the first failure aborts the job")
    func maxFailuresOne() throws {
        try withContext("local[2]", conf: ["engine.task.maxFailures": "1"]) { ctx throws in
            let attempts = Counters()
            let rdd = ctx.parallelize(Array(0..<100), numSlices: 4).mapPartitionsWithIndex { p, it -> [Int] in
                if p == 0 && attempts.add(p) == 1 { throw InjectedFailure(tag: "once") }
                return Array(it)
            }
            let error = #expect(throws: EngineError.self) { _ = try rdd.count() }
            #expect(error.map { "\($0)" }?.contains("failed 1 times") == true, "\(String(describing: error))")
            #expect(attempts[0] == 1)
            // Without the limit, the next job succeeds: a later attempt does not fail.
            #expect(try rdd.count() == 100)
        }
    }

    @Test("a failure in a shuffle map stage that always fails aborts the job")
    func alwaysFailingMapStage() throws {
        try withContext("local[2]", conf: ["engine.task.maxFailures": "2"]) { ctx throws in
            let rdd = ctx.parallelize(randomPairs(1000, seed: 73), numSlices: 3).map { p -> (Int, Int) in
                if p.0 == 42 { throw InjectedFailure(tag: "key 42") }
                return p
            }.groupByKey(numPartitions: 2)
            let error = #expect(throws: EngineError.self) { _ = try rdd.collect() }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains("injected failure key 42") && text.contains("failed 2 times"), "\(text)")
        }
    }
}

/// Lost shuffle files, concurrent jobs, chains of shuffles, and the local directories.
@Suite("Recovery and resources")
struct RecoveryTests {
    @Test("lost shuffle files are a fetch failure: the map stage runs again and the result is exact")
    func lostShuffleOutput() throws {
        let local = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: local) }
        let data = randomPairs(20_000, keys: 300, seed: 74)
        let want = Dictionary(data, uniquingKeysWith: +)
        try withContext("local[2]", conf: ["engine.local.dir": local.path]) { ctx throws in
            let mapCalls = Counters()
            let sums = ctx.parallelize(data, numSlices: 4).map { p -> (Int, Int) in
                mapCalls.add(0)
                return p
            }.reduceByKey(numPartitions: 3, +)
            #expect(Dictionary(try sums.collect(), uniquingKeysWith: +) == want)
            let shuffleFiles = allPaths(under: local.path).filter { $0.hasSuffix(".data") }
            #expect(!shuffleFiles.isEmpty, "shuffle output lives under engine.local.dir")
            for f in shuffleFiles { try FileManager.default.removeItem(atPath: local.path + "/" + f) }

            #expect(Dictionary(try sums.collect(), uniquingKeysWith: +) == want)
            #expect(mapCalls[0] == 2 * data.count, "the map side was computed again")
        }
    }

    @Test("stop removes the context's directories under engine.local.dir")
    func stopCleansLocalDirs() throws {
        let local = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: local) }
        try withContext(conf: ["engine.local.dir": local.path]) { ctx throws in
            _ = try ctx.parallelize(randomPairs(5000, seed: 75), numSlices: 4).groupByKey(numPartitions: 3).count()
            #expect(!allPaths(under: local.path).isEmpty)
        }
        #expect(allPaths(under: local.path).isEmpty, "\(allPaths(under: local.path))")
    }

    @Test("jobs submitted from several threads at once on one context", arguments: Master.both)
    func concurrentJobs(_ master: Master) async throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let shared = ctx.parallelize(randomPairs(30_000, keys: 200, seed: 76), numSlices: 6).reduceByKey(numPartitions: 4, +)
        let want = Dictionary(randomPairs(30_000, keys: 200, seed: 76), uniquingKeysWith: +)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<8 {
                group.addTask {
                    if i % 2 == 0 {
                        return Dictionary(try shared.collect(), uniquingKeysWith: +) == want
                    }
                    let data = randomPairs(4000, keys: 50, seed: 200 + UInt64(i))
                    let got = try ctx.parallelize(data, numSlices: 3).groupByKey(numPartitions: 2).mapValues { $0.count }.collect()
                    return Dictionary(got, uniquingKeysWith: +) == groupedValues(data).mapValues(\.count)
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    @Test("a chain of shuffles: reduceByKey, re-key, groupByKey, join, sortByKey")
    func chainOfShuffles() throws {
        let data = randomPairs(40_000, keys: 1000, skewed: true, seed: 77)
        // Plain Swift: sum per key; group keys by sum mod 10; join with names; sort by bucket.
        let sums = Dictionary(data, uniquingKeysWith: +)
        let buckets = groupedValues(sums.map { (($0.value % 10 + 10) % 10, $0.key) })
        let names = (0..<10).map { ($0, "bucket-\($0)") }
        let want = buckets.map { b, ks in (b, ks.count) }.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1):bucket-\($0.0)" }
        try withContext("local[3]", conf: ["engine.shuffle.compress": "false"]) { ctx throws in
            let result = try ctx.parallelize(data, numSlices: 5)
                .reduceByKey(numPartitions: 4, +)
                .map { (($0.1 % 10 + 10) % 10, $0.0) }
                .groupByKey(numPartitions: 3)
                .mapValues { $0.count }
                .join(ctx.parallelize(names, numSlices: 2))
                .mapValues { "\($0.0):\($0.1)" }  // tuples are not Codable, so cannot be shuffled as values
                .sortByKey(numPartitions: 2)
            let got = try result.collect().map { "\($0.0):\($0.1)" }
            #expect(got == want)
            let summary = try #require(ctx.lastJobSummary)
            #expect(summary.stagesRun.count + summary.stagesSkipped.count >= 5, "\(summary)")
        }
    }
}
