import Foundation
import Testing
@testable import Engine

/// A lost or damaged shuffle file is a fetch failure: the scheduler recomputes the lost map
/// output and the job still returns the right answer.
@Suite struct FetchFailureTests {
    private func makeContext() throws -> EngineContext {
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.log.level", "error")
        return try EngineContext(master: "local[2]", appName: "fetch-failure", conf: conf)
    }

    private func expected(_ data: [(Int, Int)]) -> [Int: Int] {
        var d: [Int: Int] = [:]
        for (k, v) in data { d[k, default: 0] += v }
        return d
    }

    private func shuffleId<T>(of rdd: RDD<T>) -> Int? {
        for dep in rdd.lineageDependencies { if case .shuffle(let s) = dep { return s.shuffleId } }
        return nil
    }

    /// Every data file the shuffle wrote (named by map task attempt id).
    private func dataFiles(_ ctx: EngineContext, shuffleId: Int) -> [String] {
        var found: [String] = []
        for dir in ctx.env.blockManager.diskBlockManager.localDirs {
            guard let e = FileManager.default.enumerator(atPath: dir) else { continue }
            while let f = e.nextObject() as? String {
                let name = (f as NSString).lastPathComponent
                if name.hasPrefix("shuffle_\(shuffleId)_") && name.hasSuffix(".data") { found.append(dir + "/" + f) }
            }
        }
        return found.sorted()
    }

    @Test(arguments: ["deleted", "garbage of the same length", "truncated"])
    func damagedShuffleOutputIsRecomputed(damage: String) throws {
        let ctx = try makeContext()
        defer { ctx.stop() }
        var rng = SystemRandomNumberGenerator()
        let data = (0..<20_000).map { _ in (Int.random(in: 0..<500, using: &rng), Int.random(in: 1...9, using: &rng)) }
        let counts = ctx.parallelize(data, numSlices: 4).reduceByKey(+)
        let first = Dictionary(uniqueKeysWithValues: try counts.collect())
        #expect(first == expected(data))

        let id = try #require(shuffleId(of: counts))
        let files = dataFiles(ctx, shuffleId: id)
        #expect(files.count == 4)
        let victim = try #require(files.first)
        let size = (try FileManager.default.attributesOfItem(atPath: victim)[.size] as? NSNumber)?.intValue ?? 0
        switch damage {
        case "deleted": try FileManager.default.removeItem(atPath: victim)
        case "truncated": try Data(repeating: 0, count: size / 2).write(to: URL(fileURLWithPath: victim))
        default: try Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: victim))
        }

        let second = Dictionary(uniqueKeysWithValues: try counts.collect())
        #expect(second == expected(data))
        let summary = try #require(ctx.lastJobSummary)
        #expect(summary.stagesRun.count >= 2, "the map stage ran again: \(summary)")
    }
}
