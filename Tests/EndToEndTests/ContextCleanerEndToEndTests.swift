import Foundation
import Testing

/// The ContextCleaner in a long-running driver: `engine-bench cleaner` loops over shuffles, 10 MB
/// broadcasts and cached RDDs it drops, and measures the executors' storage. One source, both
/// masters: local[2] (the driver's BlockManager is the executor) and local-cluster (executor
/// processes, removals over RPC).
@Suite("ContextCleaner end to end", .serialized)
struct ContextCleanerEndToEndTests {
    static let masters = ["local[2]", "local-cluster[2,1,512]"]

    /// One `cleaner …` line of engine-bench's output, as its fields.
    struct Report {
        let fields: [String: Int64]
        subscript(_ key: String) -> Int64 { fields[key] ?? -1 }
    }

    /// Runs `engine-bench cleaner` with `arguments`; returns its report lines by label
    /// (`iteration=N`, `after`, `done`), or nil (recorded) when it failed.
    func run(_ master: String, iterations: Int, extra: [String] = [], in dir: TemporaryDirectory,
             timeout: Double = 600) throws -> (reports: [String: Report], run: BackgroundRun)? {
        let scratch = dir.child("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        // The broadcast stays 10 MB. Its pieces are neither compressed (random bytes do not
        // compress) nor checksummed: in a debug build those two take most of an iteration and
        // have nothing to do with cleaning.
        let arguments = ["cleaner", "--master", master, "--iterations", "\(iterations)", "--broadcast", "10m",
                         "--conf", "engine.local.dir=\(scratch)", "--conf", "engine.broadcast.compress=false",
                         "--conf", "engine.broadcast.checksum=false"] + extra
        let run = try BackgroundRun(arguments, in: dir, executable: BuildProducts.directory + "/engine-bench")
        let status = run.finish(timeout: timeout)
        #expect(status == 0, "engine-bench \(arguments.joined(separator: " ")) failed:\n\(run.transcript)")
        guard status == 0 else { return nil }
        var reports: [String: Report] = [:]
        for line in String(decoding: run.stdoutBytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("cleaner ") {
            let words = line.split(separator: " ").dropFirst()
            guard let label = words.first else { continue }
            var fields: [String: Int64] = [:]
            for word in words {
                let kv = word.split(separator: "=")
                if kv.count == 2, let v = Int64(kv[1]) { fields[String(kv[0])] = v }
            }
            reports[String(label)] = Report(fields: fields)
        }
        return (reports, run)
    }

    /// The acceptance test: 200 iterations, and the executors' disk (shuffle files, disk blocks)
    /// and memory (memory store bytes) are the same at the last as at the first, within a small
    /// tolerance; once the last iteration's objects are dropped, nothing is left.
    @Test("200 iterations: the executors' disk and memory use stays flat", arguments: masters)
    func flatOverTwoHundredIterations(_ master: String) throws {
        let dir = try TemporaryDirectory("cleaner-flat")
        defer { dir.remove() }
        let started = Date()
        guard let (reports, run) = try run(master, iterations: 200, in: dir) else { return }
        let seconds = Date().timeIntervalSince(started)
        guard let first = reports["iteration=1"], let last = reports["iteration=200"], let after = reports["after"],
              let done = reports["done"] else {
            Issue.record("missing report lines:\n\(run.transcript)")
            return
        }
        print("ContextCleaner \(master): iteration 1: disk \(first["disk_bytes"]) B, memory \(first["memory_bytes"]) B; "
            + "iteration 200: disk \(last["disk_bytes"]) B, memory \(last["memory_bytes"]) B; "
            + "driver memory \(first["driver_memory_bytes"]) → \(last["driver_memory_bytes"]) B; "
            + "after the last drop: disk \(after["disk_bytes"]) B, memory \(after["memory_bytes"]) B; "
            + String(format: "%.1f s", seconds))
        let executors: Int64 = master.hasPrefix("local-cluster") ? 2 : 1
        #expect(first["executors"] == executors && last["executors"] == executors)
        // Something is measured: the shuffle files and disk blocks, and each executor's copy of
        // the 10 MB broadcast.
        #expect(first["disk_bytes"] > 0 && first["memory_bytes"] > executors * 10_000_000, "\(first.fields)")
        func flat(_ key: String, slack: Int64) {
            let a = first[key], b = last[key]
            #expect(b <= a + max(a / 20, slack) && b >= a - max(a / 20, slack),
                    "\(key): \(a) at iteration 1, \(b) at iteration 200")
        }
        flat("disk_bytes", slack: 64 << 10)
        flat("memory_bytes", slack: 256 << 10)
        flat("driver_disk_bytes", slack: 64 << 10)
        flat("driver_memory_bytes", slack: 256 << 10)
        // Dropped and cleaned: no shuffle file, no block left (the measuring job's own task
        // binary is all the memory stores hold while it runs).
        #expect(after["disk_bytes"] == 0 && after["driver_disk_bytes"] == 0, "\(after.fields)")
        #expect(after["memory_bytes"] < 64 << 10 && after["driver_memory_bytes"] < 64 << 10, "\(after.fields)")
        #expect(done["cleaned_shuffles"] == 200 && done["cleaned_broadcasts"] == 200 && done["cleaned_rdds"] == 400
                && done["failures"] == 0, "\(done.fields)")
    }

    /// Proves the test above can fail: with the cleaner off, the same loop's disk and memory
    /// use grow with every iteration.
    @Test("without the cleaner (engine.cleaner.referenceTracking=false) disk and memory grow", arguments: masters)
    func growsWithoutTheCleaner(_ master: String) throws {
        let dir = try TemporaryDirectory("cleaner-off")
        defer { dir.remove() }
        guard let (reports, run) = try run(master, iterations: 10, extra: ["--report-every", "9", "--conf",
                                                                            "engine.cleaner.referenceTracking=false"],
                                           in: dir) else { return }
        guard let first = reports["iteration=1"], let last = reports["iteration=10"], let done = reports["done"] else {
            Issue.record("missing report lines:\n\(run.transcript)")
            return
        }
        print("Without the ContextCleaner, \(master): iteration 1: disk \(first["disk_bytes"]) B, memory "
            + "\(first["memory_bytes"]) B; iteration 10: disk \(last["disk_bytes"]) B, memory \(last["memory_bytes"]) B")
        #expect(last["disk_bytes"] > 8 * first["disk_bytes"], "disk: \(first.fields) → \(last.fields)")
        #expect(last["memory_bytes"] > 8 * first["memory_bytes"], "memory: \(first.fields) → \(last.fields)")
        #expect(done["cleaned_shuffles"] == 0 && done["cleaned_broadcasts"] == 0)
    }

    /// The driver logs each cleaning as Spark does, and executors in other processes act on it.
    @Test("the driver logs 'Cleaned shuffle N', 'Cleaned RDD N', 'Cleaned broadcast N'")
    func logLines() throws {
        let dir = try TemporaryDirectory("cleaner-log")
        defer { dir.remove() }
        guard let (reports, run) = try run("local-cluster[2,1,512]", iterations: 2,
                                           extra: ["--conf", "engine.log.level=info"], in: dir) else { return }
        let log = run.stderrText
        for line in ["INFO ContextCleaner: Cleaned shuffle 0", "INFO ContextCleaner: Cleaned shuffle 1",
                     "INFO ContextCleaner: Cleaned broadcast ", "INFO ContextCleaner: Cleaned RDD "] {
            #expect(log.contains(line), "no '\(line)' in the log:\n\(run.transcript)")
        }
        #expect(!log.contains("Error cleaning"), "\(run.transcript)")
        #expect(reports["after"]?["disk_bytes"] == 0, "\(run.transcript)")
    }
}
