import Foundation
import Synchronization
import Testing
@testable import Engine

@Suite struct TaskContextAndCancellationTests {
    private func context(_ master: String = "local[2]", maxFailures: Int = 4) throws -> EngineContext {
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.log.level", "critical")
        conf.set("engine.task.maxFailures", "\(maxFailures)")
        return try EngineContext(master: master, appName: "task-context", conf: conf)
    }

    struct Retry: Error {}

    /// Inside a task, TaskContext.get() names the partition and the attempt; a task failing on its
    /// first two attempts succeeds on the third, and sees attempt numbers 0, 1, 2.
    @Test func taskContextSeesPartitionAndAttempt() throws {
        #expect(TaskContext.get() == nil, "no task runs on the test thread")
        let ctx = try context()
        defer { ctx.stop() }
        let seen = Mutex<[Int: [Int]]>([:])
        let rdd = ctx.parallelize(Array(0..<60), numSlices: 6).mapPartitions { it -> [(Int, Int)] in
            let task = TaskContext.get()!
            seen.withLock { $0[task.partitionId, default: []].append(task.attemptNumber) }
            if task.partitionId == 4 && task.attemptNumber < 2 { throw Retry() }
            return it.map { ($0, task.partitionId) }
        }
        let out = try rdd.collect()
        #expect(out.map(\.0) == Array(0..<60))
        for (x, p) in out { #expect(p == x / 10, "record \(x) computed by partition \(p)") }
        let attempts = seen.withLock { $0 }
        #expect(attempts[4] == [0, 1, 2])
        for p in [0, 1, 2, 3, 5] { #expect(attempts[p] == [0]) }
    }

    /// cancelAllJobs from another thread ends a long job at once with jobCancelled, and the
    /// context still runs the next job.
    @Test func cancelAllJobsEndsARunningJob() throws {
        let ctx = try context()
        defer { ctx.stop() }
        let slow = ctx.parallelize(Array(0..<40), numSlices: 40).map { x -> Int in
            Thread.sleep(forTimeInterval: 0.1)  // 40 tasks × 0.1 s on 2 threads: 2 s if not cancelled
            return x
        }
        let outcome = Mutex<Result<Int, EngineError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let start = Date()
        let thread = Thread {
            let r: Result<Int, EngineError>
            do { r = .success(try slow.count()) } catch let e as EngineError { r = .failure(e) } catch { r = .failure(.jobFailed("\(error)")) }
            outcome.withLock { $0 = r }
            done.signal()
        }
        thread.start()
        Thread.sleep(forTimeInterval: 0.3)
        ctx.cancelAllJobs()
        #expect(done.wait(timeout: .now() + 10) == .success, "the action returned")
        let elapsed = Date().timeIntervalSince(start)
        switch outcome.withLock({ $0 }) {
        case .failure(.jobCancelled(let why)): #expect(why.contains("cancel"))
        case let other: Issue.record("expected jobCancelled, got \(String(describing: other))")
        }
        #expect(elapsed < 1.5, "cancelled long before the 2 s the job needs (took \(elapsed) s)")
        #expect(try ctx.parallelize(Array(1...10), numSlices: 2).reduce(+) == 55)
    }
}
