import Engine
import Foundation
import Scheduler
import Testing

@Suite("saveAsTextFile")
struct SaveAsTextFileTests {
    @Test("one part file per partition, then _SUCCESS; each part holds its partition's records",
          arguments: Master.both, [Shape(count: 1000, slices: 4), Shape(count: 3, slices: 5), Shape(count: 0, slices: 2),
                      Shape(count: 50_000, slices: 12)])
    func savesParts(_ master: Master, shape: Shape) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        let data = randomInts(shape.count, seed: 101)
        try withContext(master) { ctx throws in
            try ctx.parallelize(data, numSlices: shape.slices).saveAsTextFile(out)
            let parts = (0..<shape.slices).map { String(format: "part-%05d", $0) }
            #expect(allPaths(under: out) == (parts + ["_SUCCESS"]).sorted())
            for (i, name) in parts.enumerated() {
                let text = try String(contentsOfFile: out + "/" + name, encoding: .utf8)
                let want = data[sliceRange(i, count: shape.count, slices: shape.slices)].map { "\($0)\n" }.joined()
                #expect(text == want, "\(name)")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/_SUCCESS")).isEmpty)
            #expect(try ctx.textFile(out).map { Int($0)! }.collect() == data, "read back in order")
        }
    }

    @Test("Strings as UTF-8 and ByteStrings as raw bytes", arguments: Master.both)
    func stringsAndBytes(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let words = ["héllo", "", "wörld ✓", "tab\there"]
        let raw: [ByteString] = [ByteString([0xFF, 0xFE, 0x41]), ByteString([]), ByteString([0x80])]
        try withContext(master) { ctx throws in
            try ctx.parallelize(words, numSlices: 2).saveAsTextFile(dir.path + "/s")
            #expect(try ctx.textFile(dir.path + "/s").collect() == words)
            try ctx.parallelize(raw, numSlices: 2).saveAsTextFile(dir.path + "/b")
            let p0 = try Data(contentsOf: dir.appendingPathComponent("b/part-00000"))
            let p1 = try Data(contentsOf: dir.appendingPathComponent("b/part-00001"))
            #expect(Array(p0) == [0xFF, 0xFE, 0x41, 10])
            #expect(Array(p1) == [10, 0x80, 10])
            #expect(try ctx.textFileBytes(dir.path + "/b").collect().map(\.bytes) == raw.map(\.bytes))
        }
    }

    @Test("an existing output directory is outputExists, and is left as it was", arguments: Master.both)
    func outputExists(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keep = dir.appendingPathComponent("keep.txt")
        try Data("precious\n".utf8).write(to: keep)
        try withContext(master) { ctx throws in
            let error = #expect(throws: EngineError.self) { try ctx.parallelize([1, 2, 3]).saveAsTextFile(dir.path) }
            guard case .outputExists(let path) = error else {
                Issue.record("expected outputExists, got \(String(describing: error))")
                return
            }
            #expect(path == dir.path)
            #expect(allPaths(under: dir.path) == ["keep.txt"])
            #expect(try String(contentsOf: keep, encoding: .utf8) == "precious\n")
        }
    }

    @Test("a task that always fails: the job fails, with no _SUCCESS and no part file anywhere", arguments: Master.both)
    func failedJobLeavesNothing(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        try withContext(master, conf: ["engine.task.maxFailures": "3"]) { ctx throws in
            let rdd = ctx.parallelize(Array(0..<10_000), numSlices: 6).map { x -> Int in
                if x == 5000 { throw InjectedFailure(tag: "save") }  // partition 3, after some records
                return x
            }
            let error = #expect(throws: EngineError.self) { try rdd.saveAsTextFile(out) }
            #expect(error.map { "\($0)" }?.contains("injected failure save") == true)
            let left = allPaths(under: out)
            #expect(!left.contains { $0.hasSuffix("_SUCCESS") }, "\(left)")
            #expect(!left.contains { ($0 as NSString).lastPathComponent.hasPrefix("part-") }, "\(left)")
            // The path may be reused once the failed job cleaned up.
            #expect(!FileManager.default.fileExists(atPath: out), "the failed job removed what it created: \(left)")
        }
    }

    @Test("a task that fails once is retried; the output holds only the committed attempt", arguments: Master.both)
    func retriedTaskCommitsOnce(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        let data = Array(0..<10_000)
        try withContext(master, conf: ["engine.task.maxFailures": "4"]) { ctx throws in
            // The first attempt of the task holding 5000 fails after writing some records.
            try ctx.parallelize(data, numSlices: 6).map { x -> Int in
                if x == 5000 && TaskContext.get()?.attemptNumber == 0 { throw InjectedFailure(tag: "once") }
                return x
            }.saveAsTextFile(out)
            #expect(allPaths(under: out) == ((0..<6).map { String(format: "part-%05d", $0) } + ["_SUCCESS"]).sorted())
            #expect(try ctx.textFile(out).collect() == data.map { "\($0)" })
        }
    }
}
