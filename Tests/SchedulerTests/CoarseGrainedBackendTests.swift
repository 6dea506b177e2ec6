import Foundation
import Storage
import Testing
@testable import Scheduler

/// A TaskSchedulerImpl over a CoarseGrainedSchedulerBackend with a manual clock; executors
/// are fake channels the test registers and speaks for.
private final class ClusterProbe: Sendable {
    let clock = ManualClock(1000)
    let scheduler: TaskSchedulerImpl
    let backend: CoarseGrainedSchedulerBackend
    private let events = Locked<[DAGSchedulerEvent]>([])

    init(maxTaskFailures: Int = 4, networkTimeout: Double = 120) {
        scheduler = TaskSchedulerImpl(maxTaskFailures: maxTaskFailures)
        backend = CoarseGrainedSchedulerBackend(driverBuildId: "build-1", networkTimeout: networkTimeout, clock: clock)
        let box = events
        scheduler.setEventSink { e in box.mutate { $0.append(e) } }
        scheduler.start(backend: backend)
    }

    /// Registers executor `id` at `host-<id>:7000` through a new fake channel.
    @discardableResult
    func register(_ id: String, cores: Int, buildId: String = "build-1") -> (FakeExecutorChannel, RegistrationResult) {
        let channel = FakeExecutorChannel(id)
        let info = ExecutorInfo(id: id, host: "host-\(id)", port: 7000, cores: cores, memoryMB: 1024, buildId: buildId)
        return (channel, backend.registerExecutor(info, channel: channel))
    }

    /// Reports `task` ended with `reason` from the executor it was launched on.
    func end(_ task: TaskDescription, _ reason: TaskEndReason, metrics: TaskMetrics = TaskMetrics()) {
        backend.statusUpdate(executorId: task.executorId, taskId: task.taskId, reason: reason, metrics: metrics)
    }

    func succeed(_ task: TaskDescription) { end(task, .success(.value(TaskResultValue([UInt8(task.partition)])))) }

    var posted: [String] { events.value.map(describe) }
}

@Suite struct CoarseGrainedBackendTests {
    @Test func registrationRefusesDuplicateIdsOtherBuildsAndNoCores() {
        let p = ClusterProbe()
        let (first, registered) = p.register("exec-1", cores: 1)
        #expect(registered == .registered)
        #expect(p.backend.defaultParallelism == 2, "at least 2, as Spark")

        #expect(p.register("exec-1", cores: 4).1 == .failed(message: "Duplicate executor ID: exec-1 (already "
                                                               + "registered from host-exec-1:7000): give each executor a unique id"))
        #expect(p.register("exec-2", cores: 4, buildId: "build-2").1 == .failed(
            message: "Executor exec-2 runs a different build (build id build-2, driver has build-1): start executors "
                + "from the same binary as the driver"))
        #expect(p.register("exec-3", cores: 0).1 == .failed(
            message: "Executor exec-3 offers 0 cores: start it with at least one core"))
        #expect(p.backend.registeredExecutors.map(\.id) == ["exec-1"])
        #expect(p.posted == ["executorAdded exec-1 on host-exec-1"], "refused executors are never announced")

        let (second, again) = p.register("exec-4", cores: 3)
        #expect(again == .registered)
        #expect(p.backend.totalCores == 4 && p.backend.defaultParallelism == 4)
        #expect(p.backend.registeredExecutors.first?.memoryMB == 1024)

        p.backend.stop()
        #expect(first.stops == 1 && second.stops == 1)
        p.backend.stop()
        #expect(first.stops == 1, "stop is sent once")
        guard case .failed(let message) = p.register("exec-5", cores: 1).1 else {
            Issue.record("a stopped driver refuses executors")
            return
        }
        #expect(message.contains("the driver is stopping"))
    }

    /// Offers go round robin over the executors' free cores; each task goes down the channel
    /// of the executor it was offered to.
    @Test func offersSpreadOverExecutors() throws {
        let p = ClusterProbe()
        let (a, _) = p.register("exec-a", cores: 2)
        let (b, _) = p.register("exec-b", cores: 2)
        p.scheduler.submitTasks(resultTaskSet(stage: 0, partitions: 3))
        #expect(a.launched.map(\.partition) == [0, 2])
        #expect(b.launched.map(\.partition) == [1])
        #expect(a.launched.allSatisfy { $0.executorId == "exec-a" } && b.launched.allSatisfy { $0.executorId == "exec-b" })
        #expect(p.backend.freeCores(executorId: "exec-a") == 0 && p.backend.freeCores(executorId: "exec-b") == 1)
        #expect(p.backend.runningTasks(executorId: "exec-a") == Set(a.launched.map(\.taskId)))

        p.scheduler.submitTasks(resultTaskSet(stage: 1, partitions: 2))
        #expect(b.launched.map(\.stageId) == [0, 1], "the one free core takes one task of the next set")
        #expect(p.backend.freeCores(executorId: "exec-b") == 0)
        #expect(p.backend.checkInvariants().isEmpty)

        // An executor registering later takes the waiting task.
        let (c, _) = p.register("exec-c", cores: 4)
        #expect(c.launched.map { "\($0.stageId)/\($0.partition)" } == ["1/1"])
        #expect(p.backend.checkInvariants().isEmpty)
    }

    /// A status update frees its core, reaches the TaskScheduler, and the core is offered again.
    @Test func statusUpdatesFreeCores() throws {
        let p = ClusterProbe()
        let (a, _) = p.register("exec-a", cores: 1)
        p.scheduler.submitTasks(resultTaskSet(stage: 0, partitions: 3))
        let t0 = try #require(a.launched.only)
        #expect(p.backend.freeCores(executorId: "exec-a") == 0)

        var m = TaskMetrics()
        m.resultRecords = 1
        p.end(t0, .success(.value(TaskResultValue([1] as [UInt8]))), metrics: m)
        #expect(p.posted.last == "completed 0/0")
        #expect(a.launched.map(\.partition) == [0, 1], "the freed core took the next task")
        let t1 = a.launched[1]
        #expect(p.backend.runningTasks(executorId: "exec-a") == [t1.taskId])

        // An update from an executor that is not registered changes nothing.
        p.backend.statusUpdate(executorId: "exec-ghost", taskId: t1.taskId, reason: .success(.value(TaskResultValue([0] as [UInt8]))),
                               metrics: TaskMetrics())
        #expect(p.posted.last == "completed 0/0")
        #expect(a.launched.count == 2)

        p.end(t1, .exception("boom"))
        #expect(a.launched.map(\.partition) == [0, 1, 1], "the failed task runs again on the only executor there is")
        #expect(a.launched[2].attemptNumber == 1)
        p.succeed(a.launched[2])
        #expect(a.launched.map(\.partition) == [0, 1, 1, 2])
        p.succeed(a.launched[3])
        #expect(p.posted.filter { $0.hasPrefix("completed") } == ["completed 0/0", "completed 0/1", "completed 0/2"])
        #expect(p.backend.freeCores(executorId: "exec-a") == 1)
        #expect(p.scheduler.activeTaskSets == 0)
        #expect(p.backend.checkInvariants().isEmpty)
    }

    @Test func killsGoThroughTheExecutorsChannel() throws {
        let p = ClusterProbe()
        let (a, _) = p.register("exec-a", cores: 2)
        p.scheduler.submitTasks(resultTaskSet(stage: 4, partitions: 2))
        p.scheduler.cancelTasks(stageId: 4, reason: "Job 0 cancelled: user pressed stop")
        #expect(Set(a.kills.map(\.taskId)) == Set(a.launched.map(\.taskId)))
        #expect(a.kills.allSatisfy { $0.reason == "Job 0 cancelled: user pressed stop" })
        p.backend.killTask(taskId: 99, executorId: "exec-ghost", reason: "nobody")  // logged, no crash
        for t in a.launched { p.end(t, .killed("Job 0 cancelled")) }
        #expect(p.backend.freeCores(executorId: "exec-a") == 2)
    }

    /// An executor silent for longer than the network timeout is removed: it is told to
    /// stop, its task runs elsewhere without counting as a failure, and later messages from
    /// it are ignored.
    @Test func heartbeatTimeoutRemovesTheExecutorAndResubmitsItsTasks() throws {
        let p = ClusterProbe(maxTaskFailures: 1, networkTimeout: 120)
        let (a, _) = p.register("exec-a", cores: 1)
        let (b, _) = p.register("exec-b", cores: 1)
        p.scheduler.submitTasks(resultTaskSet(stage: 0, partitions: 2))
        let onA = try #require(a.launched.only)
        let onB = try #require(b.launched.only)

        var m = TaskMetrics()
        m.recordsRead = 1234
        p.clock.advance(60)
        #expect(p.backend.heartbeat(executorId: "exec-b", taskMetrics: [onB.taskId: m, 999: m], blockManagerAlive: true))
        #expect(p.backend.runningTaskMetrics(executorId: "exec-b") == [onB.taskId: m], "only tasks running there")
        p.clock.advance(60)
        p.backend.checkHeartbeats()
        #expect(p.backend.registeredExecutors.count == 2, "exactly the timeout is not yet too long")

        p.clock.advance(1)
        p.backend.checkHeartbeats()
        #expect(p.backend.registeredExecutors.map(\.id) == ["exec-b"])
        #expect(a.stops == 1 && b.stops == 0)
        #expect(p.posted.last == "executorLost exec-a: Executor heartbeat timed out after 121000 ms")
        #expect(p.backend.defaultParallelism == 2)
        #expect(b.launched.count == 1, "exec-b is busy")

        p.succeed(onB)
        let rerun = try #require(b.launched.last)
        #expect(b.launched.count == 2)
        #expect(rerun.partition == onA.partition && rerun.attemptNumber == 1)

        #expect(!p.backend.heartbeat(executorId: "exec-a", taskMetrics: [:], blockManagerAlive: true))
        p.succeed(onA)  // the removed executor's late report
        #expect(!p.posted.contains("completed 0/\(onA.partition)"))
        p.succeed(rerun)
        #expect(p.posted.filter { $0.hasPrefix("completed") } == ["completed 0/1", "completed 0/0"])
        #expect(!p.posted.contains { $0.hasPrefix("taskSetFailed") })
        #expect(p.backend.checkInvariants().isEmpty)
    }

    /// An executor whose BlockManager is not alive is offered nothing until it is again.
    @Test func noOffersWhileTheBlockManagerIsDead() throws {
        let p = ClusterProbe()
        let (a, _) = p.register("exec-a", cores: 2)
        #expect(p.backend.heartbeat(executorId: "exec-a", taskMetrics: [:], blockManagerAlive: false))
        p.scheduler.submitTasks(resultTaskSet(stage: 0, partitions: 1))
        #expect(a.launched.isEmpty)
        #expect(p.backend.heartbeat(executorId: "exec-a", taskMetrics: [:], blockManagerAlive: true))
        #expect(a.launched.count == 1)
    }

    @Test func removeExecutorOfAnUnknownIdIsHarmless() {
        let p = ClusterProbe()
        p.backend.removeExecutor("exec-never", reason: "connection refused")
        #expect(p.posted.isEmpty)
    }

    @Test func waitForExecutorsReturnsAsSoonAsEnoughRegistered() {
        let p = ClusterProbe()
        #expect(p.backend.waitForExecutors(minRegistered: 0, timeout: 30) == 0)
        p.register("exec-1", cores: 1)
        let start = Date()
        let waiting = Background { p.backend.waitForExecutors(minRegistered: 2, timeout: 30) }
        p.register("exec-2", cores: 1)
        #expect(waiting.value(seconds: 10) == 2)
        #expect(Date().timeIntervalSince(start) < 10, "it returned well before its 30 s timeout")
        #expect(p.backend.waitForExecutors(minRegistered: 1, timeout: 30) == 2)
    }

    @Test func waitForExecutorsTimesOut() {
        let p = ClusterProbe()
        p.register("exec-1", cores: 1)
        let start = Date()
        #expect(p.backend.waitForExecutors(minRegistered: 3, timeout: 0.05) == 1)
        #expect(Date().timeIntervalSince(start) >= 0.05)
    }

    @Test func stopWakesAWaiter() {
        let p = ClusterProbe()
        let waiting = Background { p.backend.waitForExecutors(minRegistered: 5, timeout: 30) }
        p.backend.stop()
        #expect(waiting.value(seconds: 10) == 0)
    }
}
