import ArgumentParser
import Engine
import Foundation
import Storage

/// What one BlockManager holds: the bytes of its memory store and the bytes of every file
/// under its local directories (shuffle files, disk blocks, spills).
struct StorageProbe: Codable, Sendable {
    var executorId: String
    var diskBytes: Int64
    var memoryBytes: Int64

    static func of(_ blockManager: BlockManager) -> StorageProbe {
        var disk: Int64 = 0
        for dir in blockManager.diskBlockManager.localDirs {
            let files = FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []
            for f in files {
                let attributes = try? FileManager.default.attributesOfItem(atPath: (dir as NSString).appendingPathComponent(f))
                if attributes?[.type] as? FileAttributeType == .typeRegular {
                    disk += (attributes?[.size] as? NSNumber)?.int64Value ?? 0
                }
            }
        }
        return StorageProbe(executorId: blockManager.blockManagerId.executorId, diskBytes: disk,
                            memoryBytes: blockManager.memoryUsed)
    }

    /// The executor running the current task.
    static func here() -> StorageProbe {
        guard let task = TaskContext.get() else { return StorageProbe(executorId: "?", diskBytes: -1, memoryBytes: -1) }
        return of(task.env.blockManager)
    }
}

/// Reads the broadcast value in a task (so that every executor fetches and keeps it).
struct AddBroadcastLength: MapFunction {
    var blob: Broadcast<[UInt8]>
    func callAsFunction(_ kv: (Int, Int)) throws -> (Int, Int) { (kv.0, kv.1 &+ (try blob.value).count) }
}

/// `engine-bench cleaner`: a long-running driver's loop — a shuffle, a 10 MB broadcast, a cached
/// and a disk-persisted RDD per iteration, each dropped when the iteration ends — printing the
/// executors' disk and memory use, which the ContextCleaner keeps flat.
struct CleanerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleaner",
        abstract: "Loop over shuffles, broadcasts and cached RDDs that the job drops; print the executors' disk and memory use.",
        discussion: """
            Each iteration builds a reduceByKey over --pairs pairs (its input persisted DISK_ONLY), \
            broadcasts --broadcast random bytes that every task reads, caches the result and counts it, \
            then drops all of it. While the iteration's objects are alive, a job on every executor measures \
            the bytes under its local directories and in its BlockManager's memory store. Prints, at the \
            first iteration, every --report-every and the last: \
            cleaner iteration=N executors=E disk_bytes=D memory_bytes=M driver_disk_bytes=D driver_memory_bytes=M \
            (disk_bytes and memory_bytes: summed over the executors; in local mode the driver is the executor). \
            Then, once everything was dropped and cleaned: cleaner after ... with the same fields, and \
            cleaner done iterations=N seconds=S cleaned_shuffles=N cleaned_rdds=N cleaned_broadcasts=N failures=N. \
            --conf engine.cleaner.referenceTracking=false shows the growth without the ContextCleaner.
            """)

    @Option(help: "Master URL, e.g. local[2] or local-cluster[2,1,512].")
    var master = "local[2]"

    @Option(help: "Number of iterations.")
    var iterations = 200

    @Option(help: "Size of the value broadcast in each iteration (10m, 1m, …).")
    var broadcast = "10m"

    @Option(help: "Number of key/value pairs shuffled in each iteration.")
    var pairs = 4000

    @Option(help: "Print the measurements every N iterations (and at the first and the last).")
    var reportEvery = 50

    @Option(help: "A configuration key=value for the engine; repeatable.")
    var conf: [String] = []

    func validate() throws {
        guard SizeArgument(broadcast) != nil else { throw ValidationError("--broadcast \(broadcast): expected a size such as 10m") }
        guard iterations >= 1, pairs >= 1, reportEvery >= 1 else {
            throw ValidationError("--iterations, --pairs and --report-every must be at least 1")
        }
        do { _ = try MasterURL.parse(master) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        var engineConf = EngineConf()
        engineConf.set(EngineKeys.logLevel.name, "warning")
        for pair in conf {
            guard let eq = pair.firstIndex(of: "=") else { throw ValidationError("--conf \(pair): expected key=value") }
            engineConf.set(String(pair[..<eq]), String(pair[pair.index(after: eq)...]))
        }
        let ctx = try EngineContext(master: master, appName: "cleaner-bench", conf: engineConf)
        defer { ctx.stop() }
        var rng = SystemRandomNumberGenerator()
        var payload = [UInt8](repeating: 0, count: SizeArgument(broadcast)!.bytes)
        payload.withUnsafeMutableBytes { raw in
            var i = 0
            while i + 8 <= raw.count {
                raw.storeBytes(of: rng.next() as UInt64, toByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < raw.count { raw[i] = UInt8.random(in: 0...255, using: &rng); i += 1 }
        }
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 1...iterations {
            let report = i == 1 || i == iterations || i % reportEvery == 0
            try iteration(ctx, payload: payload, measuring: report ? "iteration=\(i)" : nil)
            // The iteration's RDDs, shuffle and broadcast are released now; the cleaner removes them.
            _ = ctx.cleaner?.waitUntilIdle(timeout: 120)
        }
        try measure(ctx, "after")
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let stats = ctx.cleaner?.statistics
        print("cleaner done iterations=\(iterations) seconds=" + String(format: "%.2f", seconds)
            + " cleaned_shuffles=\(stats?.shuffles ?? 0) cleaned_rdds=\(stats?.rdds ?? 0)"
            + " cleaned_broadcasts=\(stats?.broadcasts ?? 0) failures=\(stats?.failures ?? 0)")
    }

    /// One iteration; what it builds is dropped when it returns.
    private func iteration(_ ctx: EngineContext, payload: [UInt8], measuring label: String?) throws {
        let input = try ctx.parallelize(Array(0..<pairs), numSlices: 2).map { ($0 % 97, $0) }.persist(.DISK_ONLY)
        let sums = input.reduceByKey { $0 + $1 }
        let blob = try ctx.broadcast(payload)
        let scored = try sums.map(AddBroadcastLength(blob: blob)).cache()
        let count = try scored.count()
        guard count == min(pairs, 97) else { throw BenchError("an iteration counted \(count) keys") }
        if let label { try measure(ctx, label) }
    }

    /// Measures every executor (a job with one task per core; retried until each executor ran one) and the driver.
    private func measure(_ ctx: EngineContext, _ label: String) throws {
        let expected: Int
        switch ctx.master {
        case .localCluster(let e, _, _): expected = e
        default: expected = 1
        }
        var byExecutor: [String: StorageProbe] = [:]
        for _ in 0..<10 where byExecutor.count < expected {
            let slots = max(ctx.defaultParallelism, expected)
            for p in try ctx.parallelize(Array(0..<slots), numSlices: slots).map({ _ in StorageProbe.here() }).collect() {
                byExecutor[p.executorId] = p
            }
        }
        guard byExecutor.count >= expected else {
            throw BenchError("measured \(byExecutor.keys.sorted()) of \(expected) executors")
        }
        let driver = StorageProbe.of(ctx.env.blockManager)
        let disk = byExecutor.values.reduce(0) { $0 + $1.diskBytes }
        let memory = byExecutor.values.reduce(0) { $0 + $1.memoryBytes }
        print("cleaner \(label) executors=\(byExecutor.count) disk_bytes=\(disk) memory_bytes=\(memory) "
            + "driver_disk_bytes=\(driver.diskBytes) driver_memory_bytes=\(driver.memoryBytes)")
        fflush(nil)
    }
}
