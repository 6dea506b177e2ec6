import Broadcast
import Testing
@testable import Scheduler

/// The DAGScheduler's shell with a real TaskSchedulerImpl over a fake backend that the
/// test drives task by task. Waits are bounded polls.
@Suite struct DAGSchedulerShellTests {
    /// 3 map partitions shuffled into 2 reduce partitions.
    private func twoStageLineage() -> (map: FakeNode, reduce: FakeNode) {
        let a = FakeNode(0, partitions: 3)
        return (a, FakeNode(1, partitions: 2, [.shuffle(shuffle(0, a, reducers: 2))]))
    }

    @Test func twoStageJobCompletesWhenTheTestCompletesItsTasks() throws {
        let codec = FakeCodec()
        let backend = FakeBackend(cores: 8)
        let f = try ShellFixture(codec: codec) { _, _, _ in backend }
        defer { f.shutDown() }
        let results = ResultCollector()
        let waiter = f.dag.submitJob(rdd: twoStageLineage().reduce, function: FakeFunction(), partitions: [0, 1],
                                     callSite: "Shell.swift:1", resultHandler: results.handler)
        guard waitUntil("the map tasks", { backend.launched.count == 3 }) else { return }
        let maps = backend.launched
        #expect(maps.map(\.partition) == [0, 1, 2])
        #expect(maps.allSatisfy { $0.kind == .shuffleMap(shuffleId: 0) && $0.attemptNumber == 0 })
        #expect(f.mapOutputTracker.containsShuffle(0))
        let mapBinary = maps[0].binary
        #expect(maps.allSatisfy { $0.binary == mapBinary }, "one broadcast per stage attempt")
        #expect(try f.broadcastManager.readBytes(mapBinary) == Array("map rdd 0 shuffle 0".utf8))

        for t in maps.reversed() { backend.succeed(t) }
        guard waitUntil("the result tasks", { backend.launched.count == 5 }) else { return }
        let reduces = Array(backend.launched[3...])
        #expect(reduces.map(\.kind) == [.result(outputIndex: 0), .result(outputIndex: 1)])
        #expect(f.mapOutputTracker.availableOutputs(0) == 3)
        let resultBinary = reduces[0].binary
        #expect(resultBinary != mapBinary)
        #expect(reduces.allSatisfy { $0.binary == resultBinary })
        #expect(!f.isBroadcastStored(mapBinary), "the map stage ended: its binary is unbroadcast")
        #expect(f.isBroadcastStored(resultBinary))
        #expect(!waiter.isCompleted)

        backend.succeed(reduces[1], value: "second")
        backend.succeed(reduces[0], value: "first")
        guard case .success(let summary)? = outcome(of: waiter) else {
            Issue.record("the job should succeed")
            return
        }
        #expect(results.byIndex == [0: "first", 1: "second"])
        #expect(summary.stagesRun.count == 2 && summary.stagesSkipped.isEmpty && summary.tasksRun == 5)
        #expect(f.jobSummaries == [summary])
        #expect(!f.isBroadcastStored(resultBinary))
        #expect(codec.serialized == ["map rdd 0 shuffle 0", "result rdd 1"])
        #expect(codec.released.sorted() == codec.serialized.sorted())
        #expect(f.taskScheduler.activeTaskSets == 0)
        #expect(f.blockManager.memoryUsed == 0, "no broadcast piece is left behind")
    }

    @Test func taskFailingMaxFailuresTimesFailsRunJob() throws {
        let backend = FakeBackend(cores: 4)
        let f = try ShellFixture(codec: FakeCodec(), maxTaskFailures: 2) { _, _, _ in backend }
        defer { f.shutDown() }
        let rdd = FakeNode(0, partitions: 2)
        let job = Background { () -> Result<JobSummary, JobFailedError> in
            do throws(JobFailedError) {
                return .success(try f.dag.runJob(rdd: rdd, function: FakeFunction(), partitions: [0, 1],
                                                 callSite: "Shell.swift:2", resultHandler: { _, _ in }))
            } catch {
                return .failure(error)
            }
        }
        guard waitUntil("two tasks", { backend.launched.count == 2 }) else { return }
        backend.succeed(backend.launched[0])
        backend.finish(backend.launched[1], .exception("disk on fire (1)"))
        guard waitUntil("the retry", { backend.launched.count == 3 }) else { return }
        let retry = backend.launched[2]
        #expect(retry.partition == 1 && retry.attemptNumber == 1)
        backend.finish(retry, .exception("disk on fire (2)"))

        guard case .failure(let error)? = job.value() else {
            Issue.record("runJob should throw")
            return
        }
        #expect(!error.cancelled)
        #expect(error.reason.contains("failed 2 times"))
        #expect(error.reason.contains("disk on fire (2)"))
        #expect(backend.launched.count == 3)
        #expect(f.taskScheduler.activeTaskSets == 0)
    }

    @Test func cancelJobKillsRunningTasks() throws {
        let backend = FakeBackend(cores: 4)
        let f = try ShellFixture(codec: FakeCodec()) { _, _, _ in backend }
        defer { f.shutDown() }
        let waiter = f.dag.submitJob(rdd: twoStageLineage().reduce, function: FakeFunction(), partitions: [0, 1],
                                     callSite: "Shell.swift:3", resultHandler: { _, _ in })
        guard waitUntil("the map tasks", { backend.launched.count == 3 }) else { return }
        backend.succeed(backend.launched[0])
        let stillRunning = backend.running
        #expect(stillRunning.count == 2)

        waiter.cancel(reason: "user pressed stop")
        guard waitUntil("the kills", { backend.kills.count == 2 }) else { return }
        let kills = backend.kills
        #expect(Set(kills.map(\.taskId)) == Set(stillRunning.map(\.taskId)))
        #expect(kills.allSatisfy { $0.executorId == "fake-exec" && $0.reason.contains("user pressed stop") })
        guard case .failure(let error)? = outcome(of: waiter) else {
            Issue.record("a cancelled job fails")
            return
        }
        #expect(error.cancelled)
        #expect(error.reason.contains("user pressed stop"))

        for t in stillRunning { backend.finish(t, .killed("user pressed stop")) }
        #expect(backend.launched.count == 3, "nothing is relaunched")
        #expect(f.taskScheduler.activeTaskSets == 0)
        #expect(f.blockManager.memoryUsed == 0)
    }

    @Test func serializationFailureFailsTheJobBeforeAnyTask() throws {
        let codec = FakeCodec(failSerialization: "map at Job.swift:7 captures a FileHandle")
        let backend = FakeBackend(cores: 4)
        let f = try ShellFixture(codec: codec) { _, _, _ in backend }
        defer { f.shutDown() }
        let waiter = f.dag.submitJob(rdd: twoStageLineage().reduce, function: FakeFunction(), partitions: [0, 1],
                                     callSite: "Shell.swift:4", resultHandler: { _, _ in })
        guard case .failure(let error)? = outcome(of: waiter) else {
            Issue.record("the job should fail")
            return
        }
        #expect(!error.cancelled)
        #expect(error.reason.contains("Task not serializable"))
        #expect(error.reason.contains("map at Job.swift:7 captures a FileHandle"))
        #expect(backend.launched.isEmpty)
        #expect(f.taskScheduler.activeTaskSets == 0)
        #expect(f.blockManager.memoryUsed == 0, "nothing was broadcast")
        #expect(f.dag.snapshot.jobs.isEmpty && f.dag.snapshot.checkInvariants().isEmpty)
    }

    /// A fetch failure: each new stage attempt gets its own broadcast, and every one is
    /// unbroadcast when its attempt ends.
    @Test func taskBinariesAreBroadcastOncePerStageAttempt() throws {
        let codec = FakeCodec()
        let backend = FakeBackend(cores: 8)
        let f = try ShellFixture(codec: codec) { _, _, _ in backend }
        defer { f.shutDown() }
        let results = ResultCollector()
        let waiter = f.dag.submitJob(rdd: twoStageLineage().reduce, function: FakeFunction(), partitions: [0, 1],
                                     callSite: "Shell.swift:5", resultHandler: results.handler)
        guard waitUntil("the map tasks", { backend.launched.count == 3 }) else { return }
        for t in backend.launched { backend.succeed(t) }
        guard waitUntil("the result tasks", { backend.launched.count == 5 }) else { return }
        let reduces0 = Array(backend.launched[3...])
        backend.finish(reduces0[0], .fetchFailed(shuffleId: 0, mapIndex: 1, reduceId: 0, message: "exec-a is gone"))
        guard waitUntil("the kill of the other result task", { backend.kills.count == 1 }) else { return }
        #expect(backend.kills.first?.taskId == reduces0[1].taskId)
        #expect(f.mapOutputTracker.availableOutputs(0) == 2)
        backend.finish(reduces0[1], .killed("fetch failure"))

        // Resubmission comes after the real resubmit delay.
        guard waitUntil("the lost map task", { backend.launched.count == 6 }) else { return }
        let remap = backend.launched[5]
        #expect(remap.partition == 1 && remap.stageAttempt == 1 && remap.kind == .shuffleMap(shuffleId: 0))
        let binaries0 = Set(backend.launched[0..<5].map(\.binary))
        #expect(!binaries0.contains(remap.binary), "a new attempt gets a new broadcast")
        #expect(binaries0.allSatisfy { !f.isBroadcastStored($0) })
        backend.succeed(remap)

        guard waitUntil("the second result attempt", { backend.launched.count == 8 }) else { return }
        let reduces1 = Array(backend.launched[6...])
        #expect(reduces1.map(\.stageAttempt) == [1, 1])
        #expect(reduces1.map(\.partition) == [0, 1])
        for t in reduces1 { backend.succeed(t) }
        guard case .success? = outcome(of: waiter) else {
            Issue.record("the job should succeed after the resubmission")
            return
        }
        #expect(results.byIndex == [0: "result-0", 1: "result-1"])
        #expect(codec.serialized == ["map rdd 0 shuffle 0", "result rdd 1", "map rdd 0 shuffle 0", "result rdd 1"])
        #expect(codec.released.count == 4)
        #expect(Set(backend.launched.map(\.binary)).count == 4)
        #expect(f.blockManager.memoryUsed == 0)
    }

    @Test func jobOverNoPartitionsSucceedsAtOnce() throws {
        let backend = FakeBackend(cores: 1)
        let f = try ShellFixture(codec: FakeCodec()) { _, _, _ in backend }
        defer { f.shutDown() }
        let summary = try f.dag.runJob(rdd: FakeNode(0, partitions: 3), function: FakeFunction(), partitions: [],
                                       callSite: "Shell.swift:6", resultHandler: { _, _ in })
        #expect(summary.tasksRun == 0)
        #expect(backend.launched.isEmpty)
    }

    @Test func stopFailsRunningJobs() throws {
        let backend = FakeBackend(cores: 1)
        let f = try ShellFixture(codec: FakeCodec()) { _, _, _ in backend }
        defer { f.shutDown() }
        let waiter = f.dag.submitJob(rdd: FakeNode(0, partitions: 2), function: FakeFunction(), partitions: [0, 1],
                                     callSite: "Shell.swift:7", resultHandler: { _, _ in })
        guard waitUntil("the first task", { backend.launched.count == 1 }) else { return }
        f.dag.stop()
        guard case .failure(let error)? = outcome(of: waiter) else {
            Issue.record("stopping fails the job")
            return
        }
        #expect(error.cancelled)
        #expect(backend.kills.map(\.taskId) == [backend.launched[0].taskId])
        let late = f.dag.submitJob(rdd: FakeNode(1, partitions: 1), function: FakeFunction(), partitions: [0],
                                   callSite: "Shell.swift:8", resultHandler: { _, _ in })
        guard case .failure(let refused)? = outcome(of: late) else {
            Issue.record("a stopped scheduler refuses jobs")
            return
        }
        #expect(refused.reason.contains("stopped"))
    }
}
