import Broadcast
import Testing
@testable import Scheduler

/// A TaskSetManager over `partitions`, as result tasks of stage 3 attempt 1.
private func manager(_ partitions: [Int], maxFailures: Int) -> TaskSetManager {
    let set = TaskSet(stageId: 3, stageAttempt: 1, jobId: 0, stageName: "ResultStage 3 (test)",
                      tasks: partitions.enumerated().map { ($0.element, .result(outputIndex: $0.offset)) },
                      binary: BroadcastHandle(id: 9))
    return TaskSetManager(taskSet: set, maxFailures: maxFailures)
}

private let ok = TaskEndReason.success(.value(TaskResultValue(1)))

@Suite struct TaskSetManagerTests {
    /// A task whose partition is cached on an executor goes to that executor when it offers a core;
    /// tasks with no preference fill the rest.
    @Test func prefersTheExecutorHoldingThePartition() throws {
        var set = TaskSet(stageId: 1, stageAttempt: 0, jobId: 0, stageName: "ResultStage 1 (test)",
                          tasks: (0..<4).map { ($0, .result(outputIndex: $0)) }, binary: BroadcastHandle(id: 1))
        set.preferredLocations = [["exec-b"], [], ["exec-a"], ["exec-b", "exec-a"]]
        var m = TaskSetManager(taskSet: set, maxFailures: 4)
        let offeredA = m.resourceOffer(taskId: 1, executorId: "exec-a", host: "h")
        let first = try #require(offeredA)
        #expect(first.partition == 2 || first.partition == 3, "a task cached on exec-a: \(first.partition)")
        let offeredB = m.resourceOffer(taskId: 2, executorId: "exec-b", host: "h")
        let second = try #require(offeredB)
        #expect(second.partition == 0 || second.partition == 3, "a task cached on exec-b: \(second.partition)")
        #expect(first.partition != second.partition)
        var rest: [Int] = []
        while let d = m.resourceOffer(taskId: 3 + Int64(rest.count), executorId: "exec-c", host: "other") {
            rest.append(d.partition)
        }
        #expect(Set(rest + [first.partition, second.partition]) == [0, 1, 2, 3], "every task ran once")
    }

    @Test func handsOutEachTaskOnce() throws {
        var m = manager([5, 6, 7], maxFailures: 4)
        var launched: [TaskDescription] = []
        for tid in Int64(10)..<15 {
            if let d = m.resourceOffer(taskId: tid) { launched.append(d) }
        }
        #expect(launched.map(\.partition) == [5, 6, 7])
        #expect(launched.map(\.index) == [0, 1, 2])
        #expect(launched.map(\.taskId) == [10, 11, 12])
        #expect(launched.allSatisfy { $0.attemptNumber == 0 && $0.stageId == 3 && $0.stageAttempt == 1 })
        #expect(launched.allSatisfy { $0.binary == BroadcastHandle(id: 9) })
        #expect(!m.hasPendingTasks)
        #expect(Set(m.runningTaskIds) == [10, 11, 12])

        for d in launched {
            guard case .report(let c) = m.handleTaskEnd(taskId: d.taskId, reason: ok, metrics: TaskMetrics(),
                                                        executorId: "e") else {
                Issue.record("a success is reported")
                continue
            }
            #expect(c.partition == d.partition && c.stageAttempt == 1 && c.kind == d.kind)
        }
        #expect(m.tasksSuccessful == 3)
        #expect(m.isZombie && m.isFinished)
        let none = m.resourceOffer(taskId: 20)
        #expect(none == nil)
        guard case .ignore = m.handleTaskEnd(taskId: 10, reason: ok, metrics: TaskMetrics(), executorId: "e") else {
            Issue.record("a duplicate report is ignored")
            return
        }
        guard case .ignore = m.handleTaskEnd(taskId: 99, reason: ok, metrics: TaskMetrics(), executorId: "e") else {
            Issue.record("an unknown task is ignored")
            return
        }
    }

    @Test func failedTaskIsRetriedUntilMaxFailuresThenAborts() throws {
        var m = manager([0, 1], maxFailures: 3)
        var tid: Int64 = 0
        let offered = m.resourceOffer(taskId: tid)
        let other = try #require(offered)
        #expect(other.partition == 0)
        tid += 1
        for failure in 1...3 {
            let offered = m.resourceOffer(taskId: tid)
            let d = try #require(offered, "attempt \(failure) of partition 1 is offered")
            tid += 1
            #expect(d.partition == 1)
            #expect(d.attemptNumber == failure - 1)
            let verdict = m.handleTaskEnd(taskId: d.taskId, reason: .exception("boom \(failure)"),
                                          metrics: TaskMetrics(), executorId: "exec-7")
            switch verdict {
            case .retry(let message):
                #expect(failure < 3)
                #expect(message.contains("boom \(failure)") && message.contains("exec-7"))
                #expect(m.hasPendingTasks)
            case .abort(let reason):
                #expect(failure == 3)
                #expect(reason.contains("failed 3 times"))
                #expect(reason.contains("boom 3"))
                #expect(!reason.contains("boom 2"))
            default:
                Issue.record("unexpected verdict \(verdict)")
            }
        }
        #expect(m.isZombie)
        #expect(!m.hasPendingTasks)
        let none = m.resourceOffer(taskId: tid)
        #expect(none == nil)
        #expect(!m.isFinished, "task 0 still runs")
        #expect(m.runningTaskIds == [other.taskId])
        _ = m.handleTaskEnd(taskId: other.taskId, reason: .killed("stage cancelled"), metrics: TaskMetrics(),
                            executorId: "e")
        #expect(m.isFinished)
    }

    @Test func killedTasksDoNotCountAsFailures() throws {
        var m = manager([0], maxFailures: 2)
        var tid: Int64 = 0
        func run(_ reason: TaskEndReason) throws -> TaskSetManager.Verdict {
            let offered = m.resourceOffer(taskId: tid)
            let d = try #require(offered)
            tid += 1
            return m.handleTaskEnd(taskId: d.taskId, reason: reason, metrics: TaskMetrics(), executorId: "e")
        }
        for _ in 0..<5 {
            guard case .retry(let message) = try run(.killed("preempted")) else {
                Issue.record("a killed task runs again")
                return
            }
            #expect(message.contains("killed (preempted)"))
        }
        guard case .retry = try run(.exception("first real failure")) else {
            Issue.record("one failure of two allowed is retried")
            return
        }
        guard case .abort(let reason) = try run(.exception("second real failure")) else {
            Issue.record("the second failure aborts")
            return
        }
        #expect(reason.contains("failed 2 times"))
        #expect(reason.contains("second real failure"))
    }

    @Test func fetchFailureMakesTheSetAZombie() throws {
        var m = manager([0, 1, 2], maxFailures: 4)
        let o0 = m.resourceOffer(taskId: 0), o1 = m.resourceOffer(taskId: 1)
        let first = try #require(o0)
        let second = try #require(o1)
        let verdict = m.handleTaskEnd(taskId: first.taskId,
                                      reason: .fetchFailed(shuffleId: 4, mapIndex: 1, reduceId: 0, message: "gone"),
                                      metrics: TaskMetrics(), executorId: "e")
        guard case .report(let c) = verdict, case .fetchFailed(let shuffleId, _, _, _) = c.reason else {
            Issue.record("a fetch failure goes to the DAGScheduler, not back into the queue")
            return
        }
        #expect(shuffleId == 4)
        #expect(m.isZombie)
        #expect(!m.hasPendingTasks, "partition 2 is never launched: the stage will be resubmitted")
        let o2 = m.resourceOffer(taskId: 2)
        #expect(o2 == nil)
        #expect(!m.isFinished)
        guard case .retry = m.handleTaskEnd(taskId: second.taskId, reason: .killed("stage failed"),
                                            metrics: TaskMetrics(), executorId: "e") else {
            Issue.record("a kill after the fetch failure is not a failure")
            return
        }
        #expect(m.isFinished)
        let o3 = m.resourceOffer(taskId: 3)
        #expect(o3 == nil, "a zombie never relaunches the killed task")
    }

    /// A set that already gave up launching (here after a fetch failure; the stage will be
    /// resubmitted) does not abort the job because one of its last tasks threw, as Spark
    /// counts failures only while the set is not a zombie.
    @Test func failureInAZombieSetDoesNotAbort() throws {
        var m = manager([0, 1], maxFailures: 1)
        let o0 = m.resourceOffer(taskId: 0), o1 = m.resourceOffer(taskId: 1)
        let first = try #require(o0)
        let second = try #require(o1)
        _ = m.handleTaskEnd(taskId: first.taskId,
                            reason: .fetchFailed(shuffleId: 0, mapIndex: 0, reduceId: 0, message: "gone"),
                            metrics: TaskMetrics(), executorId: "e")
        #expect(m.isZombie)
        let verdict = m.handleTaskEnd(taskId: second.taskId, reason: .exception("connection refused"),
                                      metrics: TaskMetrics(), executorId: "e")
        if case .abort(let reason) = verdict { Issue.record("a zombie set aborted the job: \(reason)") }
        #expect(m.isFinished)
    }
}
