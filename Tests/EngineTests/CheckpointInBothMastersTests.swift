import Foundation
import Scheduler
import Testing
@testable import Engine

/// Reliable and local checkpoints in both masters: written by the executors, read back by
/// later jobs after the lineage is cut, checked when read.
@Suite struct CheckpointInBothMastersTests {
    /// The sums by key `x % 37` of `data`, computed without the engine.
    private func sums(_ data: [Int]) -> [Int: Int] {
        var d: [Int: Int] = [:]
        for x in data { d[x % 37, default: 0] += x }
        return d
    }

    private func partFiles(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }

    @Test(arguments: Master.both)
    func reliableCheckpointIsReadBackByLaterJobs(_ master: Master) throws {
        let root = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = randomInts(20_000, in: 0...1_000_000, seed: 41)
        try withContext(master) { ctx in
            try ctx.setCheckpointDir(root.path)
            let pairs = ctx.parallelize(data, numSlices: 6).map { ($0 % 37, $0) }.reduceByKey(numPartitions: 4) { $0 + $1 }
            try pairs.checkpoint()
            #expect(!pairs.isCheckpointed && pairs.checkpointFile == nil && !pairs.isLocallyCheckpointed)
            #expect(Dictionary(uniqueKeysWithValues: try pairs.collect()) == sums(data))
            #expect(pairs.isCheckpointed && pairs.lineageDependencies.isEmpty)
            let dir = try #require(pairs.checkpointFile)
            #expect(try partFiles(dir) == ["part-00000", "part-00001", "part-00002", "part-00003"], "no attempt file left")
            for f in try partFiles(dir) {
                let head = try #require(FileManager.default.contents(atPath: dir + "/" + f))
                #expect(Array(head.prefix(8)) == Array("ENGCKPT1".utf8))
            }
            // A later job in the same application reads the files, with a shuffle after them.
            let byParity = try pairs.map { ($0.0 % 2, $0.1) }.reduceByKey { $0 + $1 }.collect()
            var want: [Int: Int] = [:]
            for (k, v) in sums(data) { want[k % 2, default: 0] += v }
            #expect(Dictionary(uniqueKeysWithValues: byParity) == want)
            #expect(pairs.partitioner?.numPartitions == 4, "the partitioner survives the checkpoint")
            // Joining with an RDD of the same partitioner needs no shuffle of the checkpointed side.
            let other = ctx.parallelize((0..<37).map { ($0, $0 * 10) }, numSlices: 3).partitionBy(HashPartitioner(4))
            let joined = try pairs.join(other).map { ($0.0, $0.1.0 + $0.1.1) }.collect()
            #expect(Dictionary(uniqueKeysWithValues: joined)
                    == Dictionary(uniqueKeysWithValues: sums(data).map { ($0.key, $0.value + $0.key * 10) }))
        }
    }

    /// The lineage is cut on executors too: once checkpointed, an RDD made from a text file
    /// is read back after the file is deleted (nothing before the checkpoint is rebuilt).
    @Test(arguments: Master.both)
    func theInputOfACheckpointedRDDMayGo(_ master: Master) throws {
        let root = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("input.txt").path
        let lines = (0..<3000).map { "w\($0 % 17) \($0)" }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: input))
        var want: [String: Int] = [:]
        for l in lines { want[String(l.split(separator: " ")[0]), default: 0] += 1 }
        try withContext(master) { ctx in
            try ctx.setCheckpointDir(root.appendingPathComponent("ckpt").path)
            let counts = try ctx.textFile(input, minPartitions: 3).map { (String($0.split(separator: " ")[0]), 1) }
                .reduceByKey(numPartitions: 2) { $0 + $1 }
            try counts.checkpoint()
            #expect(Dictionary(uniqueKeysWithValues: try counts.collect()) == want)
            try FileManager.default.removeItem(atPath: input)
            #expect(Dictionary(uniqueKeysWithValues: try counts.mapValues { $0 * 2 }.collect()) == want.mapValues { $0 * 2 })
            #expect(try counts.map { $0.1 }.reduce(+) == 3000)
            // A sorted RDD's RangePartitioner does not travel as such: its lineage is rebuilt,
            // and its checkpoint still read.
            let sorted = try ctx.parallelize(Array(0..<500).reversed(), numSlices: 3).map { ($0, $0 * 2) }.sortByKey()
            try sorted.checkpoint()
            #expect(try sorted.collect().map(\.0) == Array(0..<500))
            #expect(try sorted.mapValues { $0 + 1 }.collect().map(\.1) == (0..<500).map { $0 * 2 + 1 })
        }
    }

    @Test(arguments: Master.both)
    func emptyPartitionsAndHugeRecordsCheckpoint(_ master: Master) throws {
        let root = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        try withContext(master) { ctx in
            try ctx.setCheckpointDir(root.path)
            let empty = ctx.parallelize([Int](), numSlices: 3).map { $0 + 1 }
            try empty.checkpoint()
            #expect(try empty.count() == 0)
            #expect(try partFiles(try #require(empty.checkpointFile)).count == 3)
            #expect(try empty.collect().isEmpty)
            // Records of 3 MiB, past every buffer size, with empty strings between them.
            let big = ctx.parallelize([0, 1, 2, 3, 4, 5], numSlices: 2).map { i -> String in
                i % 2 == 0 ? "" : String(repeating: Character(UnicodeScalar(UInt8(97 + i))), count: 3 << 20)
            }
            try big.checkpoint()
            #expect(try big.count() == 6)
            let lengths = try big.map { ($0.count, $0.first.map(String.init) ?? "") }.collect()
            #expect(lengths.map(\.0) == [0, 3 << 20, 0, 3 << 20, 0, 3 << 20])
            #expect(lengths.map(\.1) == ["", "b", "", "d", "", "f"])
        }
    }

    /// A truncated or damaged file is one clear error, never a shorter partition.
    @Test(arguments: Master.both)
    func truncatedOrDamagedCheckpointFilesFailClearly(_ master: Master) throws {
        for damage in ["cut before the end marker", "cut mid-file", "emptied", "deleted", "bit flip"] {
            let root = try makeTempDir()
            defer { try? FileManager.default.removeItem(at: root) }
            try withContext(master, conf: ["engine.task.maxFailures": "1"]) { ctx in
                try ctx.setCheckpointDir(root.path)
                let rdd = ctx.parallelize([Int](0..<50_000), numSlices: 2).map { (x: Int) -> Int in x &* 2_654_435_761 }
                try rdd.checkpoint()
                #expect(try rdd.count() == 50_000)
                let path = try #require(rdd.checkpointFile) + "/part-00001"
                let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
                switch damage {
                case "cut before the end marker": try Data(bytes.dropLast(24)).write(to: URL(fileURLWithPath: path))
                case "cut mid-file": try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: path))
                case "emptied": try Data().write(to: URL(fileURLWithPath: path))
                case "deleted": try FileManager.default.removeItem(atPath: path)
                default:
                    var flipped = bytes
                    flipped[bytes.count / 2] ^= 0x10
                    try Data(flipped).write(to: URL(fileURLWithPath: path))
                }
                let error = #expect(throws: EngineError.self, "\(damage)") { _ = try rdd.map { $0 + 1 }.collect() }
                let text = "\(error.map { "\($0)" } ?? "")"
                let expected = damage == "deleted" ? "checkpoint file missing" : "corrupt or incomplete checkpoint file"
                #expect(text.contains(expected) && text.contains("part-00001"), "\(damage): \(text)")
            }
        }
    }

    @Test(arguments: Master.both)
    func localCheckpointCutsTheLineageAndIsNotFaultTolerant(_ master: Master) throws {
        let data = randomInts(5000, in: 0...100_000, seed: 43)
        try withContext(master) { ctx in
            let pairs = ctx.parallelize(data, numSlices: 5).map { ($0 % 37, $0) }.reduceByKey(numPartitions: 3) { $0 + $1 }
            pairs.localCheckpoint()
            #expect(pairs.isLocallyCheckpointed && !pairs.isCheckpointed)
            #expect(pairs.storageLevel == .MEMORY_AND_DISK)
            #expect(Dictionary(uniqueKeysWithValues: try pairs.collect()) == sums(data))
            #expect(pairs.isCheckpointed && pairs.checkpointFile == nil && pairs.lineageDependencies.isEmpty)
            #expect(Dictionary(uniqueKeysWithValues: try pairs.mapValues { $0 * 2 }.collect())
                    == sums(data).mapValues { $0 * 2 })
            // checkpoint() after localCheckpoint() changes nothing, as in Spark.
            let root = try makeTempDir()
            defer { try? FileManager.default.removeItem(at: root) }
            try ctx.setCheckpointDir(root.path)
            try pairs.checkpoint()
            #expect(pairs.checkpointFile == nil && pairs.isLocallyCheckpointed)
            // The blocks are the checkpoint: once gone, a job fails instead of recomputing.
            pairs.unpersist()
            let error = #expect(throws: EngineError.self) { _ = try pairs.count() }
            #expect("\(error.map { "\($0)" } ?? "")".contains("local checkpoint block"), "\(String(describing: error))")
        }
    }

    /// As Spark: localCheckpoint() replaces a checkpoint() mark not yet written, and changes
    /// nothing once a checkpoint was written.
    @Test(arguments: Master.both)
    func localCheckpointReplacesAnUnwrittenCheckpointOnly(_ master: Master) throws {
        let root = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        try withContext(master) { ctx in
            try ctx.setCheckpointDir(root.path)
            let first = ctx.parallelize(Array(0..<100), numSlices: 2).map { $0 * 3 }
            try first.checkpoint()
            first.localCheckpoint()
            #expect(first.isLocallyCheckpointed && first.storageLevel == .MEMORY_AND_DISK)
            #expect(try first.reduce(+) == (0..<100).reduce(0) { $0 + $1 * 3 })
            #expect(first.isCheckpointed && first.checkpointFile == nil)
            let second = ctx.parallelize(Array(0..<100), numSlices: 2).map { $0 * 5 }
            try second.checkpoint()
            #expect(try second.count() == 100)
            let dir = try #require(second.checkpointFile)
            second.localCheckpoint()
            #expect(!second.isLocallyCheckpointed && second.checkpointFile == dir)
            #expect(try second.reduce(+) == (0..<100).reduce(0) { $0 + $1 * 5 })
        }
    }

    /// The executor that wrote a partition is SIGKILLed; the job after reads the file it left.
    @Test(arguments: [Master.cluster])
    func checkpointSurvivesTheLossOfTheExecutorThatWroteIt(_ master: Master) throws {
        let root = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        try withContext(master) { ctx in
            try ctx.setCheckpointDir(root.path)
            // Each record names the executor that computed it: the one that wrote its file.
            let tagged = ctx.parallelize(Array(0..<4000), numSlices: 4).map { x -> (String, Int) in
                (TaskContext.get()?.env.executorId ?? "none", x)
            }
            try tagged.checkpoint()
            #expect(try tagged.count() == 4000 && tagged.isCheckpointed)
            let writers = Set(try tagged.map { $0.0 }.collect())
            let pids = ctx.executorProcessIds
            let victim = try #require(writers.sorted().first { pids[$0] != nil }, "writers \(writers), processes \(pids)")
            #expect(kill(try #require(pids[victim]), SIGKILL) == 0)
            #expect(eventually { ctx.executorProcessIds[victim] == nil }, "the killed executor is still listed")
            // Later jobs read every partition back, including those the killed executor wrote.
            #expect(try tagged.map { $0.1 }.reduce(+) == (0..<4000).reduce(0, +))
            let victims = try tagged.map { $0.0 }.collect().filter { $0 == victim }.count
            #expect(victims > 0 && victims % 1000 == 0, "the killed executor's whole partitions are read back")
        }
    }
}
