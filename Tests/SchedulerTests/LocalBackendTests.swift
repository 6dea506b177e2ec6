import Foundation
import Synchronization
import Testing
@testable import Scheduler

/// How many task bodies run at once, and the most seen.
private final class Concurrency: Sendable {
    private let counts = Mutex((now: 0, max: 0))
    func enter() { counts.withLock { $0.now += 1; $0.max = Swift.max($0.max, $0.now) } }
    func leave() { counts.withLock { $0.now -= 1 } }
    var now: Int { counts.withLock { $0.now } }
    var max: Int { counts.withLock { $0.max } }
}

@Suite struct LocalBackendTests {
    /// Real tasks on a real Executor with 2 task threads: never more than 2 at once, a
    /// failing task is retried, the reducers see every map output.
    @Test func localBackendRunsAtMostCoresTasksAtOnce() throws {
        let concurrency = Concurrency()
        let codec = FakeCodec { task, binary, context in
            concurrency.enter()
            defer { concurrency.leave() }
            // The first two tasks wait (bounded) for each other, so the overlap is certain.
            if task.taskId < 2 {
                let deadline = Date().addingTimeInterval(2)
                while concurrency.now < 2 && Date() < deadline { usleep(500) }
            }
            usleep(3000)
            try context.checkInterrupted()
            switch task.kind {
            case .shuffleMap:
                if task.partition == 4 && task.attemptNumber == 0 { throw CodecError(description: "flaky map 4") }
                return .mapStatus(MapStatus(location: context.env.blockManager.blockManagerId,
                                            sizes: [1, 0, 1, 1], mapIndex: task.partition, mapId: task.taskId))
            case .result:
                let inputs = try context.env.mapOutputTracker.mapSizes(shuffleId: 0, reduceId: task.partition)
                return .value(TaskResultValue("\(String(decoding: binary, as: UTF8.self)) p\(task.partition) "
                                              + "read \(inputs.count)"))
            }
        }
        let f = try ShellFixture(codec: codec) { blockManager, broadcastManager, tracker in
            LocalSchedulerBackend(cores: 2) { status in
                Executor(executorId: "driver", cores: 2,
                         env: TaskEnvironment(executorId: "driver", blockManager: blockManager,
                                              broadcastManager: broadcastManager, mapOutputTracker: tracker,
                                              shuffleCompress: false),
                         codec: codec, statusSink: status)
            }
        }
        defer { f.shutDown() }
        let maps = FakeNode(0, partitions: 6)
        let reduced = FakeNode(1, partitions: 4, [.shuffle(shuffle(0, maps, reducers: 4))])
        let results = ResultCollector()
        let waiter = f.dag.submitJob(rdd: reduced, function: FakeFunction(), partitions: [0, 1, 2, 3],
                                     callSite: "Local.swift:1", resultHandler: results.handler)
        guard case .success(let summary)? = outcome(of: waiter, seconds: 20) else {
            Issue.record("the job should succeed")
            return
        }
        #expect(concurrency.max == 2)
        #expect(summary.tasksRun == 6 + 4, "the failed attempt is not a task run")
        #expect(results.byIndex == [
            0: "result rdd 1 p0 read 6", 1: "result rdd 1 p1 read 0",
            2: "result rdd 1 p2 read 6", 3: "result rdd 1 p3 read 6",
        ])
        #expect(f.taskScheduler.activeTaskSets == 0)
        #expect(f.blockManager.memoryUsed == 0)
    }

    /// Cancelling a job interrupts its running tasks (and those still queued); the
    /// executor's threads and the backend's cores are free for the next job.
    @Test func cancelInterruptsRunningTasksOnTheExecutor() throws {
        let started = Locked(0)
        let stoppedByKill = Locked(0)
        let codec = FakeCodec { task, binary, context in
            if String(decoding: binary, as: UTF8.self) == "result rdd 7" {
                started.mutate { $0 += 1 }
                let deadline = Date().addingTimeInterval(5)
                while Date() < deadline {
                    do {
                        try context.checkInterrupted()
                    } catch {
                        stoppedByKill.mutate { $0 += 1 }
                        throw error
                    }
                    usleep(500)
                }
                throw CodecError(description: "never interrupted")
            }
            return .value(TaskResultValue("quick \(task.partition)"))
        }
        let f = try ShellFixture(codec: codec) { blockManager, broadcastManager, tracker in
            LocalSchedulerBackend(cores: 2) { status in
                Executor(executorId: "driver", cores: 2,
                         env: TaskEnvironment(executorId: "driver", blockManager: blockManager,
                                              broadcastManager: broadcastManager, mapOutputTracker: tracker,
                                              shuffleCompress: false),
                         codec: codec, statusSink: status)
            }
        }
        defer { f.shutDown() }
        let slow = f.dag.submitJob(rdd: FakeNode(7, partitions: 3), function: FakeFunction(), partitions: [0, 1, 2],
                                   callSite: "Local.swift:2", resultHandler: { _, _ in })
        guard waitUntil("both cores busy", { started.value == 2 }) else { return }
        slow.cancel(reason: "too slow")
        guard case .failure(let error)? = outcome(of: slow) else {
            Issue.record("the cancelled job fails")
            return
        }
        #expect(error.cancelled && error.reason.contains("too slow"))
        guard waitUntil("the tasks to stop", { stoppedByKill.value == 2 }) else { return }
        #expect(started.value == 2, "the third task was never launched")

        let quick = f.dag.submitJob(rdd: FakeNode(8, partitions: 2), function: FakeFunction(), partitions: [0, 1],
                                    callSite: "Local.swift:3", resultHandler: { _, _ in })
        guard case .success(let summary)? = outcome(of: quick) else {
            Issue.record("the next job runs on the freed cores")
            return
        }
        #expect(summary.tasksRun == 2)
    }
}
