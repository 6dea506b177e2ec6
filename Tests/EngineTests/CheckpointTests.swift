import Foundation
import Synchronization
import Testing
@testable import Engine

@Suite struct CheckpointTests {
    private func expected(_ data: [Int]) -> [Int: Int] {
        var d: [Int: Int] = [:]
        for x in data { d[x % 37, default: 0] += x }
        return d
    }

    @Test(arguments: Master.both)
    func checkpointNeedsADirectory(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        #expect(throws: EngineError.self) { try ctx.parallelize([1, 2, 3]).checkpoint() }
    }

    /// After the first action the RDD is written, its lineage is cut, and later actions read the
    /// files: the map function never runs again and no shuffle stage is run or skipped.
    @Test(arguments: Master.both, ["reliable", "local"])
    func checkpointCutsTheLineage(_ master: Master, kind: String) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let root = NSTemporaryDirectory() + "ckpt-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ctx.setCheckpointDir(root)
        let calls = ctx.longAccumulator(), total = ctx.longAccumulator()
        let data = (0..<5000).map { ($0 * 7919) % 10007 }
        let sums = ctx.parallelize(data, numSlices: 5).map(Tally(records: calls, sum: total))
            .map { x -> (Int, Int) in (x % 37, x) }
            .reduceByKey(numPartitions: 3, +)
        if kind == "reliable" { try sums.checkpoint() } else { sums.localCheckpoint() }
        #expect(!sums.isCheckpointed)

        do {
            let first = Dictionary(uniqueKeysWithValues: try sums.collect())
            #expect(first == expected(data))
            #expect(sums.isCheckpointed)
            #expect(sums.lineageDependencies.isEmpty)
            #expect(sums.toDebugString().split(separator: "\n").count == 1)
            let callsAfterFirst = calls.value
            #expect(callsAfterFirst == data.count, "the writing job reads the shuffle output, not the map again")
            if kind == "reliable" {
                let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.contains("part-") }
                #expect(files.count == 3, "\(files)")
                #expect(!files.contains { $0.contains(".attempt-") }, "no temporary file left: \(files)")
            }

            let second = Dictionary(uniqueKeysWithValues: try sums.map { ($0.0, $0.1) }.collect())
            #expect(second == expected(data))
            #expect(calls.value == callsAfterFirst, "the lineage before the checkpoint is not computed again")
            let summary = try #require(ctx.lastJobSummary)
            #expect(summary.stagesRun.count == 1 && summary.stagesSkipped.isEmpty, "\(summary)")
            #expect(sums.partitioner?.numPartitions == 3, "the partitioner survives the checkpoint")
        }
    }

    /// Checkpoint files are checksummed: a damaged file fails the job with a clear error
    /// rather than returning wrong records.
    @Test(arguments: Master.both)
    func damagedCheckpointFileIsReported(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let root = NSTemporaryDirectory() + "ckpt-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ctx.setCheckpointDir(root)
        let rdd = ctx.parallelize(Array(0..<10_000), numSlices: 2).map { $0 * 3 }
        try rdd.checkpoint()
        do {
            #expect(try rdd.count() == 10_000)
            let file = try #require(try FileManager.default.subpathsOfDirectory(atPath: root).first { $0.hasSuffix("part-00001") })
            let path = root + "/" + file
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count / 2] ^= 0x5a
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let outcome = Result { () throws(EngineError) -> [Int] in try rdd.collect() }
            switch outcome {
            case .success: Issue.record("a damaged checkpoint file was read as whole")
            case .failure(let e): #expect("\(e)".contains("corrupt") || "\(e)".contains("checksum"), "\(e)")
            }
        }
    }
}
