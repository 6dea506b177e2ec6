import Foundation
import Storage
import Testing
@testable import Scheduler

/// The whole driver — DAGScheduler, TaskSchedulerImpl, CoarseGrainedSchedulerBackend, the
/// MapOutputTracker — with two fake executors the test speaks for. Waits are bounded polls.
@Suite struct ClusterShellTests {
    /// An executor dies after the map stage, while the reduce stage runs: its reducer runs
    /// again on the other executor, fails to fetch the lost outputs, and the map stage
    /// recomputes exactly what the lost executor held before the reduce stage runs again.
    @Test func executorLostAfterTheMapStage() throws {
        let backend = CoarseGrainedSchedulerBackend(driverBuildId: "build-1", clock: ManualClock())
        let f = try ShellFixture(codec: FakeCodec()) { _, _, _ in backend }
        defer { f.shutDown() }
        let a = FakeExecutorChannel("exec-a"), b = FakeExecutorChannel("exec-b")
        for c in [a, b] {
            let info = ExecutorInfo(id: c.executorId, host: "host-\(c.executorId)", port: 7000, cores: 2, memoryMB: 512,
                                    buildId: "build-1")
            #expect(backend.registerExecutor(info, channel: c) == .registered)
        }
        func report(_ t: TaskDescription, _ reason: TaskEndReason) {
            backend.statusUpdate(executorId: t.executorId, taskId: t.taskId, reason: reason, metrics: TaskMetrics())
        }
        func succeed(_ t: TaskDescription) {
            switch t.kind {
            case .shuffleMap:
                let location = BlockManagerId(executorId: t.executorId, host: "host-\(t.executorId)", port: 7000)
                report(t, .success(.mapStatus(MapStatus(location: location, sizes: [1, 1], mapIndex: t.partition,
                                                        mapId: t.taskId))))
            case .result:
                report(t, .success(.value(TaskResultValue([UInt8(t.partition)]))))
            }
        }

        let maps = FakeNode(0, partitions: 4)
        let reduced = FakeNode(1, partitions: 2, [.shuffle(shuffle(0, maps, reducers: 2))])
        let results = Locked<[Int: [UInt8]]>([:])
        let waiter = f.dag.submitJob(rdd: reduced, function: FakeFunction(), partitions: [0, 1], callSite: "Cluster.swift:1",
                                     resultHandler: { i, v in results.mutate { $0[i] = v.value as? [UInt8] } })
        guard waitUntil("the map tasks", { a.launched.count == 2 && b.launched.count == 2 }) else { return }
        #expect(a.launched.map(\.partition) == [0, 2] && b.launched.map(\.partition) == [1, 3])
        for t in a.launched + b.launched { succeed(t) }
        guard waitUntil("the reduce tasks", { a.launched.count == 3 && b.launched.count == 3 }) else { return }
        #expect(f.mapOutputTracker.availableOutputs(0) == 4)
        let reduceOnB = b.launched[2]

        backend.removeExecutor("exec-a", reason: "Connection reset by peer")
        guard waitUntil("exec-a's map outputs to be forgotten", { f.mapOutputTracker.availableOutputs(0) == 2 }) else {
            return
        }
        guard waitUntil("the lost reducer on exec-b", { b.launched.count == 4 }) else { return }
        let rerun = b.launched[3]
        #expect(rerun.partition == a.launched[2].partition && rerun.attemptNumber == 1 && rerun.stageAttempt == 0)
        #expect(f.dag.snapshot.lostExecutors.keys.sorted() == ["exec-a"])

        report(rerun, .fetchFailed(shuffleId: 0, mapIndex: 0, reduceId: rerun.partition,
                                   message: "Failed to connect to host-exec-a:7000"))
        guard waitUntil("the other reducer to be killed", { b.kills.count == 1 }) else { return }
        #expect(b.kills.first?.taskId == reduceOnB.taskId)
        report(reduceOnB, .killed("fetch failure"))

        // After the (real) resubmit delay the map stage runs what exec-a held, on exec-b.
        guard waitUntil("the lost map tasks", { b.launched.count == 6 }) else { return }
        let remaps = Array(b.launched[4...])
        #expect(remaps.map(\.partition).sorted() == [0, 2])
        #expect(remaps.allSatisfy { $0.stageAttempt == 1 && $0.kind == .shuffleMap(shuffleId: 0) })
        for t in remaps { succeed(t) }
        guard waitUntil("the second reduce attempt", { b.launched.count == 8 }) else { return }
        let reduces = Array(b.launched[6...])
        #expect(reduces.map(\.partition).sorted() == [0, 1] && reduces.allSatisfy { $0.stageAttempt == 1 })
        for t in reduces { succeed(t) }

        guard case .success(let summary)? = outcome(of: waiter) else {
            Issue.record("the job should succeed")
            return
        }
        #expect(results.value == [0: [0], 1: [1]])
        #expect(summary.stagesRun.count == 2)
        #expect(a.launched.count == 3, "nothing more went to the lost executor")
        #expect(f.mapOutputTracker.availableOutputs(0) == 4)
        #expect(f.dag.snapshot.checkInvariants().isEmpty)
        #expect(backend.checkInvariants().isEmpty)
        #expect(backend.freeCores(executorId: "exec-b") == 2)
    }
}
