import Broadcast
import Storage
import Testing
@testable import Scheduler

/// A TaskSchedulerImpl with no backend: the test makes the offers and reads what the
/// scheduler tells the DAGScheduler.
private final class SchedulerProbe: Sendable {
    let scheduler: TaskSchedulerImpl
    private let events = Locked<[DAGSchedulerEvent]>([])

    init(maxTaskFailures: Int) {
        scheduler = TaskSchedulerImpl(maxTaskFailures: maxTaskFailures)
        let box = events
        scheduler.setEventSink { e in box.mutate { $0.append(e) } }
    }

    /// Offers `cores` on each executor, in order; returns what was launched.
    func offer(_ cores: [(String, Int)]) -> [TaskDescription] {
        scheduler.resourceOffers(cores.map { WorkerOffer(executorId: $0.0, host: "host-\($0.0)", cores: $0.1) })
    }

    func end(_ task: TaskDescription, _ reason: TaskEndReason) {
        scheduler.statusUpdate(taskId: task.taskId, reason: reason, metrics: TaskMetrics())
    }

    /// Ends a task successfully with the outcome its kind calls for, written on its executor.
    func succeed(_ task: TaskDescription) {
        switch task.kind {
        case .shuffleMap:
            let location = BlockManagerId(executorId: task.executorId, host: "host-\(task.executorId)", port: 1)
            end(task, .success(.mapStatus(mapStatus(task.partition, on: location))))
        case .result:
            end(task, .success(.value(TaskResultValue("r\(task.partition)"))))
        }
    }

    /// Events posted so far, as short strings.
    var posted: [String] { events.value.map(describe) }
}

@Suite struct TaskSchedulerExecutorTests {
    /// Tasks running on a lost executor run again elsewhere, however often it happens: with
    /// `maxFailures` 1, a single counted failure would abort the job.
    @Test func executorLossFailsRunningTasksWithoutCountingThem() throws {
        let probe = SchedulerProbe(maxTaskFailures: 1)
        probe.scheduler.submitTasks(resultTaskSet(stage: 1, partitions: 2))
        let first = probe.offer([("exec-1", 1), ("exec-2", 1)])
        #expect(first.map(\.executorId) == ["exec-1", "exec-2"])
        #expect(probe.scheduler.knownExecutors == ["exec-1", "exec-2"])

        probe.scheduler.executorLost(executorId: "exec-1", reason: "Executor heartbeat timed out after 120500 ms")
        #expect(probe.posted == ["executorLost exec-1: Executor heartbeat timed out after 120500 ms"])
        #expect(probe.scheduler.knownExecutors == ["exec-2"])
        let retry = try #require(probe.offer([("exec-3", 1)]).only)
        #expect(retry.partition == first[0].partition && retry.attemptNumber == 1 && retry.executorId == "exec-3")

        probe.scheduler.executorLost(executorId: "exec-3", reason: "Command exited with code 137")
        let again = try #require(probe.offer([("exec-4", 1)]).only)
        #expect(again.partition == first[0].partition && again.attemptNumber == 2)
        #expect(!probe.posted.contains { $0.hasPrefix("taskSetFailed") }, "\(probe.posted)")

        // Reports from the lost executor about the tasks it ran come too late: ignored.
        probe.succeed(first[0])
        #expect(probe.posted.filter { $0.hasPrefix("completed") }.isEmpty)
        probe.succeed(again)
        probe.succeed(first[1])
        #expect(probe.posted.filter { $0.hasPrefix("completed") } == ["completed 1/0", "completed 1/1"])
        #expect(probe.scheduler.activeTaskSets == 0)
    }

    /// Map tasks that succeeded on the lost executor run again while their set still launches
    /// tasks (their output is gone); result tasks that succeeded do not.
    @Test func executorLossRequeuesMapOutputsOfAnActiveMapSet() throws {
        let probe = SchedulerProbe(maxTaskFailures: 4)
        probe.scheduler.submitTasks(mapTaskSet(stage: 0, partitions: 3))
        probe.scheduler.submitTasks(resultTaskSet(stage: 5, partitions: 2))
        let launched = probe.offer([("exec-1", 3), ("exec-2", 2)])
        // Offers are filled a core at a time, round robin, FIFO by stage.
        #expect(launched.map { "\($0.stageId)/\($0.partition)@\($0.executorId)" }
                == ["0/0@exec-1", "0/1@exec-2", "0/2@exec-1", "5/0@exec-2", "5/1@exec-1"])
        probe.succeed(launched[0])  // map 0 on exec-1
        probe.succeed(launched[1])  // map 1 on exec-2
        probe.succeed(launched[4])  // result 1 on exec-1

        probe.scheduler.executorLost(executorId: "exec-1", reason: "worker lost")
        #expect(probe.posted == ["completed 0/0", "completed 0/1", "completed 5/1", "resubmitted 0.0/0",
                                 "executorLost exec-1: worker lost"])
        let relaunched = probe.offer([("exec-2", 4)])
        #expect(relaunched.map { "\($0.stageId)/\($0.partition)" }.sorted() == ["0/0", "0/2"],
                "map 0's output and running map 2 were on exec-1; result 1 was delivered already")
        #expect(relaunched.allSatisfy { $0.executorId == "exec-2" })
        #expect(relaunched.first { $0.partition == 0 }?.attemptNumber == 1)
    }

    /// A set whose map tasks all succeeded is done: losing their executor does not reopen it
    /// (the DAGScheduler notices the missing outputs and resubmits the stage).
    @Test func executorLossDoesNotReopenAFinishedMapSet() throws {
        let probe = SchedulerProbe(maxTaskFailures: 4)
        probe.scheduler.submitTasks(mapTaskSet(stage: 0, partitions: 2))
        for t in probe.offer([("exec-1", 2)]) { probe.succeed(t) }
        #expect(probe.scheduler.activeTaskSets == 0)
        probe.scheduler.executorLost(executorId: "exec-1", reason: "gone")
        #expect(probe.offer([("exec-2", 2)]).isEmpty)
        #expect(probe.posted == ["completed 0/0", "completed 0/1", "executorLost exec-1: gone"])
    }

    /// A task that failed on one executor goes to another when one is known; once it failed
    /// on every known executor it may run anywhere again.
    @Test func failedTaskIsRetriedOnAnotherExecutor() throws {
        let probe = SchedulerProbe(maxTaskFailures: 4)
        probe.scheduler.executorAdded(executorId: "exec-a", host: "host-a")
        probe.scheduler.executorAdded(executorId: "exec-b", host: "host-b")
        #expect(probe.posted == ["executorAdded exec-a on host-a", "executorAdded exec-b on host-b"])
        probe.scheduler.submitTasks(resultTaskSet(stage: 2, partitions: 1))
        let first = try #require(probe.offer([("exec-a", 1)]).only)
        probe.end(first, .exception("disk error on host-a"))

        #expect(probe.offer([("exec-a", 4)]).isEmpty, "exec-b, which has not failed it, is known")
        let second = try #require(probe.offer([("exec-a", 1), ("exec-b", 1)]).only)
        #expect(second.executorId == "exec-b" && second.attemptNumber == 1)
        probe.end(second, .exception("disk error on host-b"))

        let third = try #require(probe.offer([("exec-a", 1)]).only, "it failed everywhere: any executor will do")
        #expect(third.executorId == "exec-a" && third.attemptNumber == 2)
        probe.succeed(third)
        #expect(probe.posted.last == "completed 2/0")
    }

    /// Killed and lost tasks do not exclude their executor; failures do, per task.
    @Test func exclusionIsPerTaskAndOnlyForFailures() throws {
        var m = TaskSetManager(taskSet: resultTaskSet(stage: 1, partitions: 3), maxFailures: 4)
        let known: Set<String> = ["exec-a", "exec-b"]
        let o0 = m.resourceOffer(taskId: 0, executorId: "exec-a", knownExecutors: known)
        let o1 = m.resourceOffer(taskId: 1, executorId: "exec-a", knownExecutors: known)
        let t0 = try #require(o0)
        let t1 = try #require(o1)
        #expect((t0.partition, t1.partition) == (0, 1))
        _ = m.handleTaskEnd(taskId: 0, reason: .exception("boom"), metrics: TaskMetrics(), executorId: "exec-a")
        _ = m.handleTaskEnd(taskId: 1, reason: .killed("speculation"), metrics: TaskMetrics(), executorId: "exec-a")
        #expect(m.executorsThatFailed(index: 0) == ["exec-a"])
        #expect(m.executorsThatFailed(index: 1).isEmpty)

        let o2 = m.resourceOffer(taskId: 2, executorId: "exec-a", knownExecutors: known)
        let onA = try #require(o2)
        #expect(onA.partition == 1, "task 0 is skipped on exec-a; the killed task 1 may run there")
        let o3 = m.resourceOffer(taskId: 3, executorId: "exec-a", knownExecutors: known)
        #expect(o3?.partition == 2)
        let o4 = m.resourceOffer(taskId: 4, executorId: "exec-a", knownExecutors: known)
        #expect(o4 == nil)
        #expect(m.hasPendingTasks, "task 0 waits for exec-b")
        let o5 = m.resourceOffer(taskId: 5, executorId: "exec-b", knownExecutors: known)
        let onB = try #require(o5)
        #expect(onB.partition == 0 && onB.attemptNumber == 1)
    }
}
