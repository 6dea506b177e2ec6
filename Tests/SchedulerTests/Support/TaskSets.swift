import Broadcast
@testable import Scheduler

/// `partitions` shuffle map tasks of stage `stage`, attempt 0, writing shuffle 0.
func mapTaskSet(stage: Int, partitions: Int) -> TaskSet {
    TaskSet(stageId: stage, stageAttempt: 0, jobId: 0, stageName: "ShuffleMapStage \(stage) (test)",
            tasks: (0..<partitions).map { ($0, .shuffleMap(shuffleId: 0)) }, binary: BroadcastHandle(id: stage))
}

/// `partitions` result tasks of stage `stage`, attempt 0.
func resultTaskSet(stage: Int, partitions: Int) -> TaskSet {
    TaskSet(stageId: stage, stageAttempt: 0, jobId: 0, stageName: "ResultStage \(stage) (test)",
            tasks: (0..<partitions).map { ($0, .result(outputIndex: $0)) }, binary: BroadcastHandle(id: stage))
}

/// An event the TaskScheduler posted, as a short line: `completed 1/0` (stage/partition),
/// `ended 1/0` (a failure reported), `taskSetFailed 1: …`, `executorLost exec-1: …`,
/// `resubmitted 1.0/2` (stage.attempt/partition).
func describe(_ event: DAGSchedulerEvent) -> String {
    switch event {
    case .taskCompleted(let c):
        if case .success = c.reason { return "completed \(c.stageId)/\(c.partition)" }
        return "ended \(c.stageId)/\(c.partition)"
    case .taskSetFailed(let stage, _, let reason): return "taskSetFailed \(stage): \(reason)"
    case .executorLost(let id, let reason): return "executorLost \(id): \(reason)"
    case .executorAdded(let id, let host): return "executorAdded \(id) on \(host)"
    case .taskResubmitted(let stage, let attempt, let partition): return "resubmitted \(stage).\(attempt)/\(partition)"
    default: return "other"
    }
}
