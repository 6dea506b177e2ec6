import Engine
import Foundation
import Testing

@Suite("Context and configuration")
struct ContextTests {
    static func quietConf(_ pairs: [String: String] = [:]) -> EngineConf {
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.log.level", "warning")
        for (k, v) in pairs { conf.set(k, v) }
        return conf
    }

    @Test("malformed master URLs are badMasterURL",
          arguments: ["yarn", "local[0]", "local[x]", "local[-2]", "local[", "spark://host:7077", "", "local[4"])
    func badMaster(url: String) throws {
        let error = #expect(throws: EngineError.self) {
            let ctx = try EngineContext(master: url, appName: "t", conf: Self.quietConf())
            ctx.stop()
        }
        guard case .badMasterURL(let got) = error else {
            Issue.record("expected badMasterURL for '\(url)', got \(String(describing: error))")
            return
        }
        #expect(got == url)
    }

    @Test("valid master URLs give their thread counts")
    func goodMaster() throws {
        #expect(try MasterURL.parse("local") == .local(threads: 1))
        #expect(try MasterURL.parse("local[3]") == .local(threads: 3))
        #expect(try MasterURL.parse("local[*]").cores == ProcessInfo.processInfo.activeProcessorCount)
        let ctx = try EngineContext(master: "local[3]", appName: "t", conf: Self.quietConf())
        defer { ctx.stop() }
        #expect(ctx.master.cores == 3)
        #expect(ctx.defaultParallelism == 3)
        #expect(ctx.parallelize(Array(0..<10)).numPartitions == 3)
    }

    @Test("malformed configuration values are badConf naming the key",
          arguments: [("engine.task.maxFailures", "0"), ("engine.task.maxFailures", "many"),
                      ("engine.executor.memory", "12qb"), ("engine.executor.memory", "-1g"),
                      ("engine.shuffle.compress", "perhaps"), ("engine.files.blockSize", "big"),
                      ("engine.default.parallelism", "-1"), ("engine.log.level", "loud"),
                      ("engine.broadcast.factory", "HttpBroadcast"), ("engine.broadcast.checksum", "sometimes"),
                      ("engine.network.timeout", "0s"), ("engine.executor.heartbeatInterval", "soon"),
                      ("engine.reducer.maxSizeInFlight", "lots"), ("engine.executor.minRegistered", "-1")])
    func badConf(key: String, value: String) throws {
        var conf = EngineConf(loadEnvironment: false)
        if key != "engine.log.level" { conf.set("engine.log.level", "warning") }
        conf.set(key, value)
        let error = #expect(throws: EngineError.self) {
            let ctx = try EngineContext(master: "local[1]", appName: "t", conf: conf)
            ctx.stop()
        }
        guard case .badConf(let k, let v, _) = error else {
            Issue.record("expected badConf for \(key)=\(value), got \(String(describing: error))")
            return
        }
        #expect(k == key)
        #expect(v == value)
    }

    @Test("byte sizes parse as Spark writes them")
    func byteSizes() throws {
        #expect(try ByteSize.parse("512m") == 512 << 20)
        #expect(try ByteSize.parse("2g") == 2 << 30)
        #expect(try ByteSize.parse("1024k") == 1 << 20)
        #expect(try ByteSize.parse("512mb") == 512 << 20)
        #expect(try ByteSize.parse("300b") == 300)
        #expect(try ByteSize.parse("1048576") == 1 << 20)
        #expect(throws: EngineError.self) { _ = try ByteSize.parse("12qb") }
        #expect(throws: EngineError.self) { _ = try ByteSize.parse("99999999t") }
    }

    @Test("default parallelism comes from engine.default.parallelism when set")
    func defaultParallelism() throws {
        let ctx = try EngineContext(master: "local[2]", appName: "t",
                                    conf: Self.quietConf(["engine.default.parallelism": "7"]))
        defer { ctx.stop() }
        #expect(ctx.defaultParallelism == 7)
        #expect(ctx.parallelize([1, 2, 3]).numPartitions == 7)
        #expect(ctx.parallelize([(1, 1), (2, 2)]).reduceByKey(+).numPartitions == 7)
    }

    @Test("several contexts run side by side in one process")
    func concurrentContexts() async throws {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<3 {
                group.addTask {
                    let ctx = try EngineContext(master: "local[2]", appName: "c\(i)", conf: Self.quietConf())
                    defer { ctx.stop() }
                    return try ctx.parallelize(randomPairs(5000, seed: UInt64(i)), numSlices: 3)
                        .reduceByKey(numPartitions: 2, +).values().reduce(+)
                }
            }
            var sums: [Int] = []
            for try await s in group { sums.append(s) }
            #expect(sums.sorted() == (0..<3).map { randomPairs(5000, seed: UInt64($0)).map(\.1).reduce(0, +) }.sorted())
        }
    }
}
