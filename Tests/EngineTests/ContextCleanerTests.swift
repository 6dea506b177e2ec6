import Broadcast
import Dispatch
import Foundation
import Logging
import Runtime
import Scheduler
import Storage
import Synchronization
import Testing
@testable import Engine

/// Records the cleaner's calls and the thread each ran on; fails or blocks on request.
final class RecordingCleanupActions: CleanupActions {
    let calls = Mutex<[(task: CleanupTask, blocking: Bool, thread: UInt)]>([])
    let failing: Set<CleanupTask>
    /// A task whose removal waits for `gate` to be signalled.
    let blockingTask: CleanupTask?
    let gate = DispatchSemaphore(value: 0)

    init(failing: Set<CleanupTask> = [], blockingTask: CleanupTask? = nil) {
        self.failing = failing
        self.blockingTask = blockingTask
    }

    var tasks: [CleanupTask] { calls.withLock { $0.map(\.task) } }

    private func record(_ task: CleanupTask, blocking: Bool) throws {
        calls.withLock { $0.append((task, blocking, currentThread())) }
        if task == blockingTask { gate.wait() }
        if failing.contains(task) { throw InjectedFailure(tag: "\(task)") }
    }

    func removeRDD(_ rddId: Int, blocking: Bool) throws -> Int {
        try record(.rdd(rddId), blocking: blocking)
        return 0
    }
    func removeShuffle(_ shuffleId: Int, blocking: Bool) throws { try record(.shuffle(shuffleId), blocking: blocking) }
    func removeBroadcast(_ broadcastId: Int, blocking: Bool) throws { try record(.broadcast(broadcastId), blocking: blocking) }
    func removeCheckpoint(rddId: Int, path: String) throws { try record(.checkpoint(rddId: rddId, path: path), blocking: false) }
}

/// The calling OS thread.
func currentThread() -> UInt { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(bitPattern: UInt(pthread_self())))) }

/// A token another thread releases.
final class TokenBox: Sendable {
    private let token: Mutex<CleanupToken?>
    init(_ token: CleanupToken) { self.token = Mutex(token) }
    func release() { token.withLock { $0 = nil } }
}

/// Keeps the lines a logger writes.
struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { log.lines.withLock { $0.append("\(event.level) \(event.message)") } }
}

final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])
    var logger: Logger {
        let box = self
        return Logger(label: "test.ContextCleaner") { _ in CapturingLogHandler(log: box) }
    }
    var text: [String] { lines.withLock { $0 } }
}

/// Polls `condition` every 10 ms for up to `seconds`.
func eventually(_ seconds: Double = 20, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while !condition() {
        if Date() > deadline { return false }
        usleep(10_000)
    }
    return true
}

/// The cleaner's own bookkeeping, with recorded removals: tokens, the queue, the thread, stop.
@Suite("ContextCleaner bookkeeping")
struct ContextCleanerBookkeepingTests {
    @Test("a held token cleans nothing; releasing it queues its task for the cleaner's own thread")
    func releaseQueuesOnCleanerThread() throws {
        let actions = RecordingCleanupActions()
        let cleaner = ContextCleaner(actions: actions, blocking: true, logger: CapturedLog().logger)
        cleaner.start()
        defer { cleaner.stop() }
        var token: CleanupToken? = cleaner.register(.shuffle(3))
        #expect(token?.task == .shuffle(3))
        #expect(cleaner.waitUntilIdle(timeout: 5))
        #expect(actions.tasks.isEmpty, "cleaned while referenced")
        token = nil
        #expect(cleaner.waitUntilIdle(timeout: 5))
        // Released from another OS thread too: every task runs on the cleaner's one thread.
        let box = TokenBox(cleaner.register(.rdd(4)))
        Thread { box.release() }.start()
        #expect(eventually { actions.tasks.count == 2 })
        let calls = actions.calls.withLock { $0 }
        #expect(calls.map(\.task) == [.shuffle(3), .rdd(4)])
        #expect(calls.allSatisfy { $0.blocking })
        #expect(calls[0].thread != currentThread(), "cleaned inside the releasing thread's deinit")
        #expect(calls[0].thread == calls[1].thread, "cleaned on more than one thread")
        #expect(cleaner.pendingTasks == 0)
    }

    @Test("tasks run in release order, each logged as Spark logs it, and counted")
    func orderAndLogLines() throws {
        let actions = RecordingCleanupActions()
        let log = CapturedLog()
        let cleaner = ContextCleaner(actions: actions, blocking: false, logger: log.logger)
        var tokens: [CleanupToken] = [cleaner.register(.shuffle(3)), cleaner.register(.rdd(5)),
                                      cleaner.register(.broadcast(7)), cleaner.register(.checkpoint(rddId: 9, path: "/nowhere"))]
        // Released before the thread starts: they wait in the queue.
        tokens.removeAll()
        #expect(cleaner.pendingTasks == 4)
        cleaner.start()
        defer { cleaner.stop() }
        #expect(cleaner.waitUntilIdle(timeout: 5))
        #expect(actions.tasks == [.shuffle(3), .rdd(5), .broadcast(7), .checkpoint(rddId: 9, path: "/nowhere")])
        #expect(actions.calls.withLock { $0.allSatisfy { !$0.blocking } })
        let cleaned = log.text.filter { $0.hasPrefix("info Cleaned") }
        #expect(cleaned == ["info Cleaned shuffle 3", "info Cleaned RDD 5", "info Cleaned broadcast 7",
                            "info Cleaned rdd checkpoint data 9"], "\(log.text)")
        #expect(cleaner.statistics == CleanerStatistics(rdds: 1, shuffles: 1, broadcasts: 1, checkpoints: 1, failures: 0))
    }

    @Test("an object registers each task once, and nothing without a cleaner")
    func tokensRegisterOnce() throws {
        let actions = RecordingCleanupActions()
        let cleaner = ContextCleaner(actions: actions, logger: CapturedLog().logger)
        cleaner.start()
        defer { cleaner.stop() }
        var holder: CleanupTokens? = CleanupTokens()
        holder?.register(.rdd(4), with: cleaner)
        holder?.register(.rdd(4), with: cleaner)
        holder?.register(.checkpoint(rddId: 4, path: "/p"), with: cleaner)
        holder?.register(.rdd(6), with: nil)
        #expect(holder?.tasks == [.rdd(4), .checkpoint(rddId: 4, path: "/p")])
        #expect(cleaner.waitUntilIdle(timeout: 5) && actions.tasks.isEmpty, "a duplicate token was released")
        holder = nil
        #expect(cleaner.waitUntilIdle(timeout: 5))
        #expect(actions.tasks == [.rdd(4), .checkpoint(rddId: 4, path: "/p")])
    }

    @Test("a failing removal is logged as an error and cleaning goes on")
    func failureIsLogged() throws {
        let actions = RecordingCleanupActions(failing: [.shuffle(1)])
        let log = CapturedLog()
        let cleaner = ContextCleaner(actions: actions, logger: log.logger)
        cleaner.start()
        defer { cleaner.stop() }
        var tokens: [CleanupToken] = [cleaner.register(.shuffle(1)), cleaner.register(.shuffle(2))]
        tokens.removeAll()
        #expect(cleaner.waitUntilIdle(timeout: 5))
        #expect(actions.tasks == [.shuffle(1), .shuffle(2)])
        #expect(log.text.contains { $0.hasPrefix("error Error cleaning shuffle 1: injected failure") }, "\(log.text)")
        #expect(log.text.contains("info Cleaned shuffle 2") && !log.text.contains("info Cleaned shuffle 1"))
        #expect(cleaner.statistics.failures == 1 && cleaner.statistics.shuffles == 1)
    }

    @Test("stop waits for the task under way, drops the queued ones, and ignores later releases")
    func stopDropsTheQueue() throws {
        let actions = RecordingCleanupActions(blockingTask: .rdd(1))
        let cleaner = ContextCleaner(actions: actions, logger: CapturedLog().logger)
        cleaner.start()
        var first: CleanupToken? = cleaner.register(.rdd(1))
        var second: CleanupToken? = cleaner.register(.rdd(2))
        var third: CleanupToken? = cleaner.register(.rdd(3))
        first = nil
        #expect(eventually { actions.tasks == [.rdd(1)] })
        second = nil
        #expect(!cleaner.waitUntilIdle(timeout: 0.2), "idle while a task is under way")
        #expect(cleaner.pendingTasks == 2)
        let gate = actions.gate
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { gate.signal() }
        cleaner.stop()
        #expect(actions.tasks == [.rdd(1)], "stop returned before the task under way ended, or ran a queued one")
        third = nil
        cleaner.stop()
        usleep(100_000)
        #expect(actions.tasks == [.rdd(1)])
        #expect(cleaner.waitUntilIdle(timeout: 1))
        _ = (first, second, third)
    }

    @Test("the configuration: on by default, blocking, checkpoints kept; off with engine.cleaner.referenceTracking=false")
    func configuration() throws {
        let actions = RecordingCleanupActions()
        let defaults = try #require(ContextCleaner.forDriver(conf: EngineConf(loadEnvironment: false), actions: actions,
                                                             logger: CapturedLog().logger))
        defer { defaults.stop() }
        #expect(defaults.blocking && !defaults.cleanCheckpoints)
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.cleaner.referenceTracking.blocking", "false")
        conf.set("engine.cleaner.referenceTracking.cleanCheckpoints", "true")
        let configured = try #require(ContextCleaner.forDriver(conf: conf, actions: actions, logger: CapturedLog().logger))
        defer { configured.stop() }
        #expect(!configured.blocking && configured.cleanCheckpoints)
        conf.set("engine.cleaner.referenceTracking", "false")
        #expect(ContextCleaner.forDriver(conf: conf, actions: actions, logger: CapturedLog().logger) == nil)

        try withContext("local[2]", conf: ["engine.cleaner.referenceTracking": "false"]) { ctx in #expect(ctx.cleaner == nil) }
        try withContext("local[2]") { ctx in #expect(ctx.cleaner != nil) }
        #expect(throws: EngineError.self) {
            try withContext("local[2]", conf: ["engine.cleaner.referenceTracking": "sometimes"]) { _ in }
        }
    }
}

/// The cleaner in a local[2] context: what the job drops goes, what it still refers to stays.
@Suite("ContextCleaner in local mode", .serialized)
struct ContextCleanerLocalTests {
    func context(_ extra: [String: String] = [:], portable: Bool = false) throws -> EngineContext {
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.log.level", "error")
        if portable { conf.set("engine.test.portableTaskBinaries", "true") }
        for (k, v) in extra { conf.set(k, v) }
        return try EngineContext(master: "local[2]", appName: "cleaner", conf: conf)
    }

    /// The map output files of shuffle `id` in the driver's local directories.
    func shuffleFiles(_ ctx: EngineContext, _ id: Int) -> [String] {
        ctx.env.blockManager.diskBlockManager.localDirs.flatMap { dir in
            allPaths(under: dir).filter { ($0 as NSString).lastPathComponent.hasPrefix("shuffle_\(id)_") }
        }
    }

    /// The blocks of RDD `id` in the driver's BlockManager.
    func rddBlocks(_ ctx: EngineContext, _ id: Int) -> [BlockId] {
        let bm = ctx.env.blockManager
        return Set(bm.blockInfoManager.blockIds + bm.memoryStore.blockIdsInLRUOrder + bm.diskStore.blockIds).filter {
            if case .rdd(let r, _) = $0 { return r == id }
            return false
        }.sorted { "\($0)" < "\($1)" }
    }

    @Test("a shuffle stays while its RDD is referenced (a later job skips its stage), and goes once released",
          arguments: [false, true])
    func shuffleLifetime(portable: Bool) throws {
        let ctx = try context(portable: portable)
        defer { ctx.stop() }
        let cleaner = try #require(ctx.cleaner)
        var shuffleId = -1
        weak var released: RDD<(Int, Int)>?
        do {
            let sums = ctx.parallelize(Array(0..<4000), numSlices: 4).map { ($0 % 50, $0) }.reduceByKey { $0 + $1 }
            released = sums
            shuffleId = try #require(shuffleDependencies(sums).first).shuffleId
            #expect(try sums.count() == 50)
            #expect(!shuffleFiles(ctx, shuffleId).isEmpty)
            #expect(try sums.collect().count == 50)
            let summary = try #require(ctx.lastJobSummary)
            #expect(summary.stagesSkipped.count == 1, "the second job did not reuse the shuffle: \(summary)")
            #expect(cleaner.waitUntilIdle(timeout: 10))
            #expect(cleaner.statistics.shuffles == 0, "cleaned while referenced")
            #expect(!shuffleFiles(ctx, shuffleId).isEmpty && (ctx.env.mapOutputTracker as! MapOutputTrackerMaster).containsShuffle(shuffleId))
        }
        #expect(eventually { released == nil }, "the RDD is still referenced after its jobs")
        #expect(eventually { cleaner.statistics.shuffles == 1 })
        #expect(cleaner.waitUntilIdle(timeout: 10))
        #expect(shuffleFiles(ctx, shuffleId).isEmpty)
        #expect(!(ctx.env.mapOutputTracker as! MapOutputTrackerMaster).containsShuffle(shuffleId))
        let dag = try #require(ctx.driver).dagScheduler
        #expect(eventually { dag.snapshot.shuffleOutputs[shuffleId] == nil && dag.snapshot.stages.isEmpty })
        #expect(cleaner.statistics.failures == 0)
    }

    @Test("a cached RDD's blocks and locations go once it is released")
    func cachedRDD() throws {
        let ctx = try context()
        defer { ctx.stop() }
        let cleaner = try #require(ctx.cleaner)
        var id = -1
        do {
            let cached = try ctx.parallelize(Array(0..<10_000), numSlices: 4).map { $0 * 2 }.cache()
            id = cached.id
            #expect(try cached.count() == 10_000)
            #expect(rddBlocks(ctx, id).count == 4)
            #expect(!ctx.env.blockManagerMaster.getLocations(.rdd(rddId: id, partition: 0)).isEmpty)
        }
        #expect(eventually { cleaner.statistics.rdds == 1 })
        #expect(rddBlocks(ctx, id).isEmpty)
        #expect(ctx.env.blockManagerMaster.getLocations(.rdd(rddId: id, partition: 0)).isEmpty)
        #expect(ctx.env.blockManager.memoryUsed == 0, "\(ctx.env.blockManager.memoryStore.blockIdsInLRUOrder)")
    }

    @Test("a broadcast lives while any driver copy of its handle does (an RDD's function holds one); decoded copies do not count")
    func broadcastLifetime() throws {
        let ctx = try context()
        defer { ctx.stop() }
        let cleaner = try #require(ctx.cleaner)
        let bm = ctx.env.blockManager
        var id = -1
        var decoded: Broadcast<[UInt8]>?
        var reader: RDD<Int>?
        do {
            let b = try ctx.broadcast([UInt8](repeating: 7, count: 3 << 20))
            id = b.id
            reader = ctx.parallelize(Array(0..<8), numSlices: 4).map(SliceSum(data: b))
            #expect(try reader?.count() == 8)
            decoded = try BinaryDecoder().decode(Broadcast<[UInt8]>.self, from: BinaryEncoder().encode(b))
        }
        #expect(cleaner.waitUntilIdle(timeout: 10))
        #expect(cleaner.statistics.broadcasts == 0, "cleaned while an RDD's function holds the handle")
        #expect(bm.getBytes(.broadcastPiece(id: id, piece: 0)) != nil, "the pieces went while referenced")
        reader = nil
        #expect(eventually { cleaner.statistics.broadcasts == 1 }, "a decoded copy kept the broadcast alive")
        let pieceLeft = bm.getBytes(.broadcastPiece(id: id, piece: 0)) != nil
        let metadataLeft = bm.getBytes(TorrentBroadcast.metadataBlockId(id)) != nil
        #expect(!pieceLeft && !metadataLeft)
        #expect(!bm.blockInfoManager.blockIds.contains(.broadcast(id: id)))
        #expect(bm.memoryUsed == 0)
        #expect(decoded?.id == id)
    }

    @Test("with engine.cleaner.referenceTracking=false nothing is removed")
    func trackingOff() throws {
        let ctx = try context(["engine.cleaner.referenceTracking": "false"])
        defer { ctx.stop() }
        var shuffleId = -1
        weak var released: RDD<(Int, Int)>?
        do {
            let sums = try ctx.parallelize(Array(0..<4000), numSlices: 4).map { ($0 % 50, $0) }.reduceByKey { $0 + $1 }.cache()
            released = sums
            shuffleId = try #require(shuffleDependencies(sums).first).shuffleId
            #expect(try sums.count() == 50)
        }
        #expect(eventually { released == nil })
        usleep(200_000)
        #expect(!shuffleFiles(ctx, shuffleId).isEmpty && (ctx.env.mapOutputTracker as! MapOutputTrackerMaster).containsShuffle(shuffleId))
        #expect(ctx.env.blockManager.memoryUsed > 0)
    }

    @Test("checkpoint files stay unless engine.cleaner.referenceTracking.cleanCheckpoints is true; local checkpoint blocks go",
          arguments: [false, true])
    func checkpoints(cleanCheckpoints: Bool) throws {
        let ctx = try context(["engine.cleaner.referenceTracking.cleanCheckpoints": "\(cleanCheckpoints)"])
        defer { ctx.stop() }
        let cleaner = try #require(ctx.cleaner)
        let root = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        try ctx.setCheckpointDir(root.path)
        var dir = ""
        var localId = -1
        do {
            let sums = ctx.parallelize(Array(0..<4000), numSlices: 4).map { ($0 % 50, $0) }.reduceByKey { $0 + $1 }
            try sums.checkpoint()
            #expect(try sums.count() == 50 && sums.isCheckpointed)
            dir = try #require(sums.checkpointLocation.map { _ in "\(ctx.checkpointDir!)/rdd-\(sums.id)" })
            #expect(FileManager.default.fileExists(atPath: dir))
            let local = ctx.parallelize(Array(0..<100), numSlices: 2).map { $0 + 1 }
            local.localCheckpoint()
            localId = local.id
            #expect(try local.count() == 100 && rddBlocks(ctx, localId).count == 2)
        }
        #expect(eventually { cleaner.statistics.rdds == 1 && cleaner.statistics.shuffles == 1 })
        #expect(rddBlocks(ctx, localId).isEmpty, "the local checkpoint's blocks stayed")
        if cleanCheckpoints {
            #expect(eventually { cleaner.statistics.checkpoints == 1 })
            #expect(!FileManager.default.fileExists(atPath: dir))
        } else {
            #expect(cleaner.waitUntilIdle(timeout: 10))
            #expect(cleaner.statistics.checkpoints == 0 && FileManager.default.fileExists(atPath: dir))
        }
    }

    @Test("unpersist and destroy stay explicit; the later release cleans again harmlessly")
    func explicitRemovals() throws {
        let ctx = try context()
        defer { ctx.stop() }
        let cleaner = try #require(ctx.cleaner)
        let bm = ctx.env.blockManager
        do {
            let cached = try ctx.parallelize(Array(0..<1000), numSlices: 2).cache()
            #expect(try cached.count() == 1000 && rddBlocks(ctx, cached.id).count == 2)
            cached.unpersist()
            #expect(rddBlocks(ctx, cached.id).isEmpty && cached.storageLevel == .NONE)
            #expect(try cached.count() == 1000 && rddBlocks(ctx, cached.id).isEmpty)
            let b = try ctx.broadcast([1, 2, 3])
            b.destroy()
            let pieceLeft = bm.getBytes(.broadcastPiece(id: b.id, piece: 0)) != nil
            #expect(!pieceLeft)
            #expect(throws: EngineError.self) { try b.value }
            #expect(cleaner.waitUntilIdle(timeout: 10) && cleaner.statistics.rdds == 0 && cleaner.statistics.broadcasts == 0)
        }
        #expect(eventually { cleaner.statistics.rdds == 1 && cleaner.statistics.broadcasts == 1 })
        #expect(cleaner.statistics.failures == 0)
    }

    /// Nothing the engine keeps after a job (stages, task binaries, checkpoint marks) holds the
    /// job's RDDs: once the job drops them, they are freed.
    @Test("RDDs are freed once released: after joins, sorts, cached and checkpoint-marked RDDs", arguments: [false, true])
    func rddsAreFreed(portable: Bool) throws {
        let ctx = try context(portable: portable)
        defer { ctx.stop() }
        let root = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        try ctx.setCheckpointDir(root.path)
        weak var joined: RDD<(Int, (Int, Int))>?
        weak var sorted: RDD<(Int, Int)>?
        weak var marked: RDD<Int>?
        weak var markedLocal: RDD<Int>?
        do {
            let a = ctx.parallelize(Array(0..<500), numSlices: 3).map { ($0 % 20, $0) }
            let b = try ctx.parallelize(Array(0..<300), numSlices: 2).map { ($0 % 20, $0 * 2) }.cache()
            let j = a.join(b)
            joined = j
            #expect(try j.count() > 0)
            let s = try a.reduceByKey { $0 + $1 }.sortByKey()
            sorted = s
            #expect(try s.collect().count == 20)
            // Marked for checkpointing, never computed: the mark must not keep it alive.
            let m = ctx.parallelize(Array(0..<10), numSlices: 2).map { $0 + 1 }
            try m.checkpoint()
            marked = m
            let l = ctx.parallelize(Array(0..<10), numSlices: 2).map { $0 + 2 }
            l.localCheckpoint()
            markedLocal = l
        }
        #expect(eventually { joined == nil && sorted == nil }, "an RDD outlived its jobs")
        #expect(marked == nil && markedLocal == nil, "a checkpoint mark keeps its RDD alive")
        if let cleaner = ctx.cleaner {
            #expect(eventually { cleaner.statistics.shuffles == 4 && cleaner.statistics.rdds == 2 }, "\(cleaner.statistics)")
        }
    }
}
