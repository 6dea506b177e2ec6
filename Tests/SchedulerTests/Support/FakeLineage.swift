import Storage
import Testing
@testable import Scheduler

/// An RDD as the scheduler sees it, wired by hand.
final class FakeNode: LineageNode {
    let rddId: Int
    let numPartitions: Int
    let lineageDependencies: [LineageDependency]
    private let name: String?
    var debugName: String { name ?? "FakeRDD[\(rddId)]" }
    var callSite: String { "FakeLineage.swift:\(rddId)" }

    /// `name` replaces the default `FakeRDD[id]` in stage names.
    init(_ rddId: Int, partitions: Int, _ dependencies: [LineageDependency] = [], name: String? = nil) {
        self.rddId = rddId
        self.numPartitions = partitions
        self.lineageDependencies = dependencies
        self.name = name
    }

    func preferredLocations(_ partition: Int) -> [String] { [] }
}

/// The function of a result stage; opaque to the scheduler.
final class FakeFunction: JobFunction {
    let name: String
    init(_ name: String = "collect") { self.name = name }
}

/// A shuffle over `mapSide`, with a chosen id.
func shuffle(_ id: Int, _ mapSide: any LineageNode, reducers: Int) -> ShuffleDependencyBase {
    ShuffleDependencyBase(shuffleId: id, mapSide: mapSide, numReducePartitions: reducers)
}

let execA = BlockManagerId(executorId: "exec-a", host: "host-a", port: 1)
let execB = BlockManagerId(executorId: "exec-b", host: "host-b", port: 2)

/// An executor holding only map output `mapIndex` of shuffle `shuffleId`: losing it loses that output alone.
func ownExecutor(_ shuffleId: Int, _ mapIndex: Int) -> BlockManagerId {
    BlockManagerId(executorId: "exec-s\(shuffleId)-m\(mapIndex)", host: "host-\(mapIndex)", port: 7000 + mapIndex)
}

func mapStatus(_ mapIndex: Int, on location: BlockManagerId = execA, sizes: [Int64] = [10, 20]) -> MapStatus {
    MapStatus(location: location, sizes: sizes, mapIndex: mapIndex, mapId: Int64(mapIndex))
}

// MARK: - Reading directives

extension Array where Element == SchedulerDirective {
    var submitted: [TaskSetRequest] {
        compactMap { if case .submitTasks(let r) = $0 { return r } else { return nil } }
    }
    var cancelledStages: [Int] {
        compactMap { if case .cancelTasks(let s, _) = $0 { return s } else { return nil } }
    }
    var endedStages: [Int] {
        compactMap { if case .stageEnded(let s) = $0 { return s } else { return nil } }
    }
    var delivered: [(jobId: Int, outputIndex: Int, value: Any)] {
        compactMap {
            if case .deliverResult(let j, let i, let v) = $0 { return (j, i, v.value) } else { return nil }
        }
    }
    var succeeded: [JobSummary] {
        compactMap { if case .jobSucceeded(let s) = $0 { return s } else { return nil } }
    }
    var failedJobs: [(jobId: Int, reason: String, cancelled: Bool)] {
        compactMap { if case .jobFailed(let j, let r, let c) = $0 { return (j, r, c) } else { return nil } }
    }
    var registeredShuffles: [(shuffleId: Int, numMaps: Int)] {
        compactMap { if case .registerShuffle(let s, let n) = $0 { return (s, n) } else { return nil } }
    }
    var registeredOutputs: [(shuffleId: Int, mapIndex: Int)] {
        compactMap { if case .registerMapOutput(let s, let st) = $0 { return (s, st.mapIndex) } else { return nil } }
    }
    var unregisteredOutputs: [(shuffleId: Int, mapIndex: Int?)] {
        compactMap { if case .unregisterMapOutput(let s, let m) = $0 { return (s, m) } else { return nil } }
    }
    var resubmitDelays: [Double] {
        compactMap { if case .scheduleResubmit(let d) = $0 { return d } else { return nil } }
    }
    var removedExecutors: [String] {
        compactMap { if case .removeOutputsOnExecutor(let e) = $0 { return e } else { return nil } }
    }
    /// The log lines at warning level.
    var warnings: [String] {
        compactMap { if case .log(.warning, let m) = $0 { return m } else { return nil } }
    }
    /// The log lines at info level.
    var infoLines: [String] {
        compactMap { if case .log(.info, let m) = $0 { return m } else { return nil } }
    }
    /// The log lines, for failure messages.
    var logText: String {
        compactMap { if case .log(_, let m) = $0 { return m } else { return nil } }.joined(separator: "\n")
    }
}

extension TaskSetRequest {
    var partitions: [Int] { tasks.map(\.partition) }
    var kinds: [TaskKind] { tasks.map(\.kind) }
}

// MARK: - Driving the state machine

/// Drives a ``DAGSchedulerState`` with a manual clock, checking its invariants after every event.
struct Harness {
    let clock = ManualClock(100)
    var state: DAGSchedulerState
    /// Every log line so far, printed when an invariant breaks.
    private(set) var log: [String] = []
    private var nextTaskId: Int64 = 0

    init(maxConsecutiveStageAttempts: Int = 4) {
        state = DAGSchedulerState(clock: clock, maxConsecutiveStageAttempts: maxConsecutiveStageAttempts, resubmitDelay: 0.5)
    }

    @discardableResult
    mutating func send(_ event: DAGSchedulerEvent, sourceLocation: SourceLocation = #_sourceLocation)
        -> [SchedulerDirective]
    {
        let out = state.handle(event)
        log.append(out.logText)
        let problems = state.checkInvariants()
        #expect(problems.isEmpty, "invariants broken after \(event): \(problems)\n\(log.joined(separator: "\n"))",
                sourceLocation: sourceLocation)
        return out
    }

    @discardableResult
    mutating func submitJob(_ jobId: Int, _ rdd: any LineageNode, partitions: [Int]? = nil,
                            sourceLocation: SourceLocation = #_sourceLocation) -> [SchedulerDirective] {
        send(.jobSubmitted(jobId: jobId, rdd: rdd, function: FakeFunction(),
                           partitions: partitions ?? Array(0..<rdd.numPartitions), callSite: "test:\(jobId)"),
             sourceLocation: sourceLocation)
    }

    /// Reports the end of the task of `request` computing `partition`.
    @discardableResult
    mutating func finish(_ request: TaskSetRequest, partition: Int, _ reason: TaskEndReason? = nil,
                         sourceLocation: SourceLocation = #_sourceLocation) -> [SchedulerDirective] {
        guard let task = request.tasks.first(where: { $0.partition == partition }) else {
            Issue.record("stage \(request.stageId) has no task for partition \(partition)", sourceLocation: sourceLocation)
            return []
        }
        let reason = reason ?? {
            switch task.kind {
            case .shuffleMap(let s): return .success(.mapStatus(mapStatus(partition, on: ownExecutor(s, partition))))
            case .result(let i): return .success(.value(TaskResultValue("value-\(partition)@\(i)")))
            }
        }()
        nextTaskId += 1
        clock.advance(0.01)
        return send(.taskCompleted(TaskCompletion(taskId: nextTaskId, stageId: request.stageId,
                                                  stageAttempt: request.stageAttempt, partition: partition,
                                                  kind: task.kind, reason: reason)),
                    sourceLocation: sourceLocation)
    }

    /// Completes every task of `request` successfully, in order; returns all directives.
    @discardableResult
    mutating func finishAll(_ request: TaskSetRequest, sourceLocation: SourceLocation = #_sourceLocation)
        -> [SchedulerDirective]
    {
        request.partitions.flatMap { finish(request, partition: $0, sourceLocation: sourceLocation) }
    }

    /// The live map stage writing `shuffleId`.
    func mapStage(_ shuffleId: Int, sourceLocation: SourceLocation = #_sourceLocation) -> Stage? {
        guard let id = state.shuffleIdToStage[shuffleId] else {
            Issue.record("no map stage for shuffle \(shuffleId)", sourceLocation: sourceLocation)
            return nil
        }
        return state.stages[id]
    }

    /// The final stage of active job `jobId`.
    func resultStage(_ jobId: Int) -> Stage? { state.jobs[jobId].flatMap { state.stages[$0.finalStageId] } }
}
