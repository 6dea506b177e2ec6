import Foundation
import Synchronization
import Testing
@testable import Engine

@Suite struct TaskContextAndCancellationTests {
    struct Retry: Error {}

    /// Inside a task, TaskContext.get() names the partition and the attempt; a task failing on its
    /// first two attempts succeeds on the third, attempt number 2.
    @Test(arguments: Master.both)
    func taskContextSeesPartitionAndAttempt(_ master: Master) throws {
        #expect(TaskContext.get() == nil, "no task runs on the test thread")
        let ctx = try master.context(conf: ["engine.log.level": "critical"])
        defer { ctx.stop() }
        let rdd = ctx.parallelize(Array(0..<60), numSlices: 6).mapPartitions { it -> [(Int, Int)] in
            let task = TaskContext.get()!
            if task.partitionId == 4 && task.attemptNumber < 2 { throw Retry() }
            return it.map { ($0, task.partitionId * 100 + task.attemptNumber) }
        }
        let out = try rdd.collect()
        #expect(out.map(\.0) == Array(0..<60))
        for (x, tag) in out {
            #expect(tag / 100 == x / 10, "record \(x) computed by partition \(tag / 100)")
            #expect(tag % 100 == (x / 10 == 4 ? 2 : 0), "record \(x) computed by attempt \(tag % 100)")
        }
    }

    /// cancelAllJobs from another thread ends a long job at once with jobCancelled, and the
    /// context still runs the next job.
    @Test(arguments: Master.both)
    func cancelAllJobsEndsARunningJob(_ master: Master) throws {
        let ctx = try master.context(conf: ["engine.log.level": "critical"])
        defer { ctx.stop() }
        let slow = ctx.parallelize(Array(0..<80), numSlices: 80).map { x -> Int in
            Thread.sleep(forTimeInterval: 0.1)  // 80 tasks × 0.1 s on 4 (local[4]) or 2 cores: 2 s or more if not cancelled
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
