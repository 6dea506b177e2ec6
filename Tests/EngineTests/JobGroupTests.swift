import Foundation
import Synchronization
import Testing
@testable import Engine

/// Job groups and job tags: cancelling one from another thread stops its running jobs' tasks
/// and makes their actions throw, and leaves other jobs alone.
@Suite struct JobGroupTests {
    /// 8 tasks of 6 s each unless killed (they check for a kill every 20 ms).
    private func slowJob(_ ctx: EngineContext) -> RDD<Int> {
        ctx.parallelize(Array(0..<8), numSlices: 8).map { x -> Int in
            for _ in 0..<300 {
                try TaskContext.get()?.checkInterrupted()
                Thread.sleep(forTimeInterval: 0.02)
            }
            return x
        }
    }

    /// A job's outcome, set by the thread that ran it.
    final class Outcome: Sendable {
        let value = Mutex<Result<Int, EngineError>?>(nil)
        func withLock<R>(_ body: (inout Result<Int, EngineError>?) -> R) -> R { value.withLock { body(&$0) } }
    }

    /// Runs `body` on a new thread; the result once it ends.
    private func onThread(_ body: @escaping @Sendable () throws -> Int) -> Outcome {
        let box = Outcome()
        let thread = Thread {
            let r: Result<Int, EngineError>
            do { r = .success(try body()) } catch let e as EngineError { r = .failure(e) } catch { r = .failure(.jobFailed("\(error)")) }
            box.withLock { $0 = r }
        }
        thread.start()
        return box
    }

    final class TagsBox: Sendable { let value = Mutex<Set<String>>([]) }

    /// Cancels with `cancel` every 50 ms until `outcome` is set (a job must be running to be
    /// cancelled); gives up after 60 s.
    private func cancelUntilDone(_ outcome: Outcome, _ cancel: () -> Void) -> Result<Int, EngineError>? {
        let deadline = Date(timeIntervalSinceNow: 60)
        while Date() < deadline {
            if let r = outcome.withLock({ $0 }) { return r }
            cancel()
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    private func waitFor(_ outcome: Outcome) -> Result<Int, EngineError>? {
        let deadline = Date(timeIntervalSinceNow: 60)
        while Date() < deadline {
            if let r = outcome.withLock({ $0 }) { return r }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }

    @Test(arguments: Master.both)
    func cancelJobGroupStopsThatGroupsJobOnly(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let slow = slowJob(ctx)
            let start = Date()
            let cancelled = onThread {
                ctx.setJobGroup("nightly", description: "the slow one", interruptOnCancel: true)
                return try slow.count()
            }
            let kept = onThread {
                ctx.setJobGroup("other", description: "a quick one")
                return try ctx.parallelize(Array(0..<10_000), numSlices: 4).map { $0 * 2 }.reduce(+)
            }
            let outcome = cancelUntilDone(cancelled) { ctx.cancelJobGroup("nightly") }
            guard case .failure(.jobCancelled(let message))? = outcome else {
                Issue.record("expected jobCancelled, got \(String(describing: outcome))")
                return
            }
            #expect(message.contains("part of cancelled job group nightly"), "\(message)")
            #expect(Date().timeIntervalSince(start) < 20, "cancelled at once, not after its 6 s tasks")
            #expect(try waitFor(kept)?.get() == (0..<10_000).reduce(0) { $0 + $1 * 2 })
            // The killed tasks freed their cores: a job now runs at once, outside any group.
            let after = Date()
            #expect(try ctx.parallelize(Array(0..<100), numSlices: 8).count() == 100)
            #expect(Date().timeIntervalSince(after) < 4, "the cancelled group's tasks still hold the cores")
            // A group cancelled earlier does not touch its later jobs; clearJobGroup leaves the group.
            ctx.setJobGroup("nightly", description: "again")
            ctx.cancelJobGroup("nightly")
            #expect(try ctx.parallelize(Array(0..<10), numSlices: 2).count() == 10)
            ctx.clearJobGroup()
        }
    }

    @Test(arguments: Master.both)
    func cancelJobsWithTagStopsTaggedJobs(_ master: Master) throws {
        try withContext(master) { ctx throws in
            #expect(throws: EngineError.self) { try ctx.addJobTag("") }
            #expect(throws: EngineError.self) { try ctx.addJobTag("a,b") }
            let slow = slowJob(ctx)
            let tagsSeen = TagsBox()
            let cancelled = onThread {
                try ctx.addJobTag("etl")
                try ctx.addJobTag("hourly")
                try ctx.addJobTag("gone")
                ctx.removeJobTag("gone")
                tagsSeen.value.withLock { $0 = ctx.jobTags }
                return try slow.count()
            }
            #expect(ctx.jobTags.isEmpty, "tags belong to the thread that added them")
            let outcome = cancelUntilDone(cancelled) { ctx.cancelJobsWithTag("hourly") }
            guard case .failure(.jobCancelled(let message))? = outcome else {
                Issue.record("expected jobCancelled, got \(String(describing: outcome))")
                return
            }
            #expect(message.contains("part of cancelled job tag hourly"), "\(message)")
            #expect(tagsSeen.value.withLock { $0 } == ["etl", "hourly"])
            try ctx.addJobTag("mine")
            ctx.cancelJobsWithTag("etl")  // no running job has it
            #expect(try ctx.parallelize(Array(0..<10), numSlices: 2).count() == 10)
            ctx.clearJobTags()
            #expect(ctx.jobTags.isEmpty)
        }
    }
}
