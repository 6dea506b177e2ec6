import Broadcast
import Foundation
import Storage
import Synchronization
import Testing
import Threads
@testable import Scheduler

/// A backend the test drives step by step: it offers `cores` free cores whenever asked,
/// records what the TaskSchedulerImpl launches and kills, and reports a task's end only
/// when the test calls ``finish(_:_:)``.
final class FakeBackend: SchedulerBackend {
    struct Kill: Sendable { let taskId: Int64; let executorId: String; let reason: String }
    private struct State {
        var scheduler: TaskSchedulerImpl?
        var launched: [TaskDescription] = []
        var running: Set<Int64> = []
        var kills: [Kill] = []
        var revives = 0
    }
    let cores: Int
    private let state = Mutex(State())
    /// Serializes offer rounds, as a real backend's message loop does.
    private let offerLock = Mutex(())

    init(cores: Int) { self.cores = cores }

    var defaultParallelism: Int { cores }
    func start(scheduler: TaskSchedulerImpl) { state.withLock { $0.scheduler = scheduler } }
    func stop() {}

    func reviveOffers() {
        offerLock.withLock { _ in
            let (scheduler, free) = state.withLock { s in
                s.revives += 1
                return (s.scheduler, cores - s.running.count)
            }
            guard let scheduler, free > 0 else { return }
            let tasks = scheduler.resourceOffers([WorkerOffer(executorId: "fake-exec", host: "fake-host", cores: free)])
            state.withLock { s in
                s.launched += tasks
                for t in tasks { s.running.insert(t.taskId) }
            }
        }
    }

    func killTask(taskId: Int64, executorId: String, reason: String) {
        state.withLock { $0.kills.append(Kill(taskId: taskId, executorId: executorId, reason: reason)) }
    }

    /// Every task launched so far, in launch order.
    var launched: [TaskDescription] { state.withLock { $0.launched } }
    /// Launched tasks the test has not finished.
    var running: [TaskDescription] { state.withLock { s in s.launched.filter { s.running.contains($0.taskId) } } }
    var kills: [Kill] { state.withLock { $0.kills } }

    /// Ends task `task` with `reason`, as an executor would report it, then offers the freed core.
    func finish(_ task: TaskDescription, _ reason: TaskEndReason) {
        let scheduler = state.withLock { s in
            s.running.remove(task.taskId)
            return s.scheduler
        }
        scheduler?.statusUpdate(taskId: task.taskId, reason: reason, metrics: TaskMetrics())
        reviveOffers()
    }

    /// Ends `task` successfully with the outcome its kind calls for.
    func succeed(_ task: TaskDescription, value: String? = nil) {
        switch task.kind {
        case .shuffleMap(let shuffleId):
            finish(task, .success(.mapStatus(mapStatus(task.partition, on: ownExecutor(shuffleId, task.partition),
                                                       sizes: [1, 2]))))
        case .result:
            finish(task, .success(.value(TaskResultValue(value ?? "result-\(task.partition)"))))
        }
    }
}

struct CodecError: Error, CustomStringConvertible {
    let description: String
}

/// A codec that stands in for the Engine's: `serialize` names the stage's RDD in a few
/// bytes (or throws), `runTask` runs a test-supplied body.
final class FakeCodec: TaskBinaryCodec {
    typealias Body = @Sendable (TaskDescription, [UInt8], TaskContext) throws -> TaskOutcome
    private let failSerialization: String?
    private let body: Body
    private let serializedBox = Mutex<[[UInt8]]>([])
    private let releasedBox = Mutex<[[UInt8]]>([])

    init(failSerialization: String? = nil,
         body: @escaping Body = { _, _, _ in throw CodecError(description: "this codec runs no tasks") }) {
        self.failSerialization = failSerialization
        self.body = body
    }

    func serialize(_ source: StageBinarySource) throws -> [UInt8] {
        if let failSerialization { throw CodecError(description: failSerialization) }
        let bytes: [UInt8]
        switch source {
        case .shuffleMap(let rdd, let dep): bytes = Array("map rdd \(rdd.rddId) shuffle \(dep.shuffleId)".utf8)
        case .result(let rdd, _): bytes = Array("result rdd \(rdd.rddId)".utf8)
        }
        serializedBox.withLock { $0.append(bytes) }
        return bytes
    }

    func runTask(_ task: TaskDescription, binary: [UInt8], context: TaskContext) throws -> TaskOutcome {
        try body(task, binary, context)
    }

    func release(_ binary: [UInt8]) { releasedBox.withLock { $0.append(binary) } }

    /// Each stage binary serialized, in order.
    var serialized: [String] { serializedBox.withLock { $0 }.map { String(decoding: $0, as: UTF8.self) } }
    var released: [String] { releasedBox.withLock { $0 }.map { String(decoding: $0, as: UTF8.self) } }
}

// MARK: - Waiting without hanging

/// Polls `condition` every millisecond for up to `seconds`; records an issue and returns
/// false if it never held.
@discardableResult
func waitUntil(_ what: @autoclosure () -> String = "condition", seconds: Double = 5,
               sourceLocation: SourceLocation = #_sourceLocation, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline {
            Issue.record("timed out after \(seconds) s waiting for \(what())", sourceLocation: sourceLocation)
            return false
        }
        usleep(1000)
    }
    return true
}

/// Runs `body` on its own OS thread; the test reads the result with a bounded wait.
final class Background<T: Sendable>: Sendable {
    private let result = Mutex<T?>(nil)

    init(_ body: @escaping @Sendable () -> T) {
        startOSThread(name: "test-background") { [self] in
            let value = body()
            result.withLock { $0 = value }
        }
    }

    /// The result, waiting up to `seconds`; nil (and an issue) on timeout.
    func value(seconds: Double = 5, sourceLocation: SourceLocation = #_sourceLocation) -> T? {
        guard waitUntil("the background call to return", seconds: seconds, sourceLocation: sourceLocation,
                        { result.withLock { $0 != nil } }) else { return nil }
        return result.withLock { $0 }
    }
}

/// Waits for a job with a bound, then returns its outcome.
func outcome(of waiter: JobWaiter, seconds: Double = 5,
             sourceLocation: SourceLocation = #_sourceLocation) -> Result<JobSummary, JobFailedError>? {
    guard waitUntil("job \(waiter.jobId) to end", seconds: seconds, sourceLocation: sourceLocation,
                    { waiter.isCompleted }) else { return nil }
    do { return .success(try waiter.awaitResult()) } catch { return .failure(error) }
}

/// Collects a job's results by output index.
final class ResultCollector: Sendable {
    private let box = Mutex<[Int: String]>([:])
    var handler: @Sendable (Int, TaskResultValue) -> Void {
        { [self] index, value in box.withLock { $0[index] = value.value as? String } }
    }
    var byIndex: [Int: String] { box.withLock { $0 } }
}

/// A driver: a real DAGScheduler and TaskSchedulerImpl over a fake or local backend,
/// a real BlockManager and BroadcastManager in a temporary directory.
final class ShellFixture: Sendable {
    let dir: String
    let blockManager: BlockManager
    let broadcastManager: BroadcastManager
    let mapOutputTracker = MapOutputTrackerMaster()
    let taskScheduler: TaskSchedulerImpl
    let dag: DAGScheduler
    let backend: any SchedulerBackend
    private let summaries = Locked<[JobSummary]>([])

    init(codec: FakeCodec, maxTaskFailures: Int = 4,
         backend makeBackend: (BlockManager, BroadcastManager, MapOutputTrackerMaster) -> any SchedulerBackend) throws {
        dir = NSTemporaryDirectory() + "scheduler-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        blockManager = try BlockManager(executorId: "driver", localDirs: [dir])
        broadcastManager = BroadcastManager(blockManager: blockManager, pieceSize: 8)
        taskScheduler = TaskSchedulerImpl(maxTaskFailures: maxTaskFailures)
        backend = makeBackend(blockManager, broadcastManager, mapOutputTracker)
        taskScheduler.start(backend: backend)
        let box = summaries
        dag = DAGScheduler(taskScheduler: taskScheduler, codec: codec, broadcastManager: broadcastManager,
                           mapOutputTracker: mapOutputTracker, clock: ManualClock(),
                           jobListener: { s in box.mutate { $0.append(s) } })
    }

    /// Summaries passed to the job listener.
    var jobSummaries: [JobSummary] { summaries.value }

    /// True while broadcast `handle`'s metadata block is stored.
    func isBroadcastStored(_ handle: BroadcastHandle) -> Bool {
        blockManager.getBytes(TorrentBroadcast.metadataBlockId(handle.id)) != nil
    }

    func shutDown() {
        dag.stop()
        backend.stop()
        blockManager.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

/// A value shared between threads.
final class Locked<T: Sendable>: Sendable {
    private let mutex: Mutex<T>
    init(_ value: T) { mutex = Mutex(value) }
    var value: T { mutex.withLock { $0 } }
    func mutate<R: Sendable>(_ body: (inout T) -> R) -> R { mutex.withLock { body(&$0) } }
}
