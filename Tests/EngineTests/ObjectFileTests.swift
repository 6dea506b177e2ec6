import Foundation
import Testing
@testable import Engine

/// saveAsObjectFile / objectFile: records of every shape the serializer takes come back as
/// they were; the element type is checked; damaged files fail clearly.
@Suite struct ObjectFileTests {
    @Test(arguments: Master.both)
    func recordsComeBackAsTheyWereSaved(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ints = randomInts(50_000, seed: 3)
        let strings = ["", "é", String(repeating: "long ", count: 400_000)] + (0..<2000).map { "s\($0)" }
        let pairs = randomPairs(10_000, skewed: true, seed: 4).map { ("k\($0.0)", $0.1) }
        try withContext(master) { ctx throws in
            try ctx.parallelize(ints, numSlices: 5).saveAsObjectFile(dir.path + "/ints")
            try ctx.parallelize(strings, numSlices: 3).saveAsObjectFile(dir.path + "/strings")
            try ctx.parallelize(pairs, numSlices: 4).saveAsObjectFile(dir.path + "/pairs")
            try ctx.parallelize([Double](), numSlices: 3).saveAsObjectFile(dir.path + "/empty")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/ints").sorted()
                    == ["_SUCCESS"] + (0..<5).map { "part-0000\($0)" })
            let backInts = try ctx.objectFile(dir.path + "/ints", of: Int.self)
            #expect(backInts.numPartitions == 5)
            #expect(try backInts.collect() == ints)
            #expect(try ctx.objectFile(dir.path + "/strings", of: String.self).collect() == strings)
            let backPairs = try ctx.objectFile(dir.path + "/pairs", of: (String, Int).self).collect()
            #expect(backPairs.map(\.0) == pairs.map(\.0) && backPairs.map(\.1) == pairs.map(\.1))
            #expect(try ctx.objectFile(dir.path + "/empty", of: Double.self).count() == 0)
            // Glob and comma lists as textFile takes them.
            #expect(try ctx.objectFile("\(dir.path)/ints/part-0000[01],\(dir.path)/ints/part-00004", of: Int.self).count()
                    == 3 * 10_000)
        }
    }

    @Test(arguments: Master.both)
    func readingAsTheWrongTypeOrAMissingPathIsAClearError(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try withContext(master) { ctx throws in
            try ctx.parallelize([1, 2, 3], numSlices: 2).saveAsObjectFile(dir.path + "/ints")
            let wrong = #expect(throws: EngineError.self) { _ = try ctx.objectFile(dir.path + "/ints", of: String.self) }
            guard case .invalidArgument(let message)? = wrong else { Issue.record("\(String(describing: wrong))"); return }
            #expect(message.contains("Swift.Int") && message.contains("Swift.String"), "\(message)")
            #expect(throws: EngineError.self) { _ = try ctx.objectFile(dir.path + "/ints", of: (Int, Int).self) }
            let missing = #expect(throws: EngineError.self) { _ = try ctx.objectFile(dir.path + "/nothing", of: Int.self) }
            guard case .inputNotFound? = missing else { Issue.record("\(String(describing: missing))"); return }
            // A text file is not an object file.
            try Data("just text\n".utf8).write(to: dir.appendingPathComponent("text"))
            let text = #expect(throws: EngineError.self) { _ = try ctx.objectFile(dir.path + "/text", of: Int.self) }
            #expect("\(text.map { "\($0)" } ?? "")".contains("no ENGOBJ01 header: not one of this engine's object files"))
        }
    }

    @Test(arguments: Master.both)
    func truncatedObjectFilesFailTheJobClearly(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try withContext(master, conf: ["engine.task.maxFailures": "1"]) { ctx throws in
            try ctx.parallelize(Array(0..<100_000), numSlices: 2).saveAsObjectFile(dir.path + "/ints")
            let part = dir.path + "/ints/part-00001"
            let bytes = [UInt8](try #require(FileManager.default.contents(atPath: part)))
            for cut in [bytes.count - 1, bytes.count - 24, bytes.count / 2, 40] {
                try Data(bytes.prefix(cut)).write(to: URL(fileURLWithPath: part))
                let rdd = try ctx.objectFile(dir.path + "/ints", of: Int.self)
                let error = #expect(throws: EngineError.self, "cut at \(cut)") { _ = try rdd.count() }
                let text = error.map { "\($0)" } ?? ""
                #expect(text.contains("corrupt or incomplete object file") && text.contains("part-00001"), "\(cut): \(text)")
            }
        }
    }
}
