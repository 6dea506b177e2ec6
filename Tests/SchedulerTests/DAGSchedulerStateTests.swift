import Testing
@testable import Scheduler

/// The DAGScheduler's state machine, driven event by event: no threads, no sleeping.
@Suite struct DAGSchedulerStateTests {

    // MARK: - Building stages

    /// A -narrow-> B -shuffle 0-> C -shuffle 1-> D: two map stages and a result stage, chained.
    @Test func chainBuildsTwoMapStagesAndAResultStage() throws {
        let a = FakeNode(0, partitions: 4)
        let b = FakeNode(1, partitions: 4, [.narrow(a)])
        let s0 = shuffle(0, b, reducers: 3)
        let c = FakeNode(2, partitions: 3, [.shuffle(s0)])
        let s1 = shuffle(1, c, reducers: 2)
        let d = FakeNode(3, partitions: 2, [.shuffle(s1)])

        var h = Harness()
        let out = h.submitJob(0, d)
        #expect(h.state.stages.count == 3)
        let m0 = try #require(h.mapStage(0))
        let m1 = try #require(h.mapStage(1))
        let result = try #require(h.resultStage(0))
        #expect(m0.rdd === b, "the map stage of shuffle 0 computes its map side, B (A is pipelined into it)")
        #expect(m1.rdd === c)
        #expect(result.rdd === d)
        #expect(m0.parents == [])
        #expect(m1.parents == [m0.id])
        #expect(result.parents == [m1.id])
        #expect(Set(h.state.stages.values.map(\.jobIds)) == [[0]])
        #expect(out.registeredShuffles.map(\.shuffleId).sorted() == [0, 1])
        #expect(out.registeredShuffles.first { $0.shuffleId == 0 }?.numMaps == 4)
        #expect(out.registeredShuffles.first { $0.shuffleId == 1 }?.numMaps == 3)

        // Only the leaf map stage runs; the others wait for their parents.
        let first = try #require(out.submitted.only)
        #expect(first.stageId == m0.id)
        #expect(first.stageAttempt == 0)
        #expect(first.partitions == [0, 1, 2, 3])
        #expect(first.kinds == Array(repeating: .shuffleMap(shuffleId: 0), count: 4))
        guard case .shuffleMap(let rdd, let dep) = first.source else {
            Issue.record("map stage binary should be (rdd, shuffleDep)")
            return
        }
        #expect(rdd === b && dep === s0)
        #expect(h.state.running == [m0.id])
        #expect(h.state.waiting == [m1.id, result.id])

        // Three of four map outputs are not enough.
        for p in 0..<3 { #expect(h.finish(first, partition: p).submitted.isEmpty) }
        #expect(!h.state.isAvailable(m0.id))
        let afterM0 = h.finish(first, partition: 3)
        #expect(afterM0.registeredOutputs.map(\.shuffleId) == [0])
        #expect(afterM0.endedStages == [m0.id])
        let second = try #require(afterM0.submitted.only)
        #expect(second.stageId == m1.id)
        #expect(second.partitions == [0, 1, 2])
        #expect(h.state.running == [m1.id])
        #expect(h.state.waiting == [result.id])

        let third = try #require(h.finishAll(second).submitted.only)
        #expect(third.stageId == result.id)
        #expect(third.kinds == [.result(outputIndex: 0), .result(outputIndex: 1)])
        guard case .result(let finalRdd, let function) = third.source else {
            Issue.record("result stage binary should be (rdd, func)")
            return
        }
        #expect(finalRdd === d && function is FakeFunction)

        let end = h.finishAll(third)
        #expect(end.delivered.map(\.outputIndex) == [0, 1])
        let summary = try #require(end.succeeded.only)
        #expect(summary.jobId == 0)
        #expect(summary.stagesRun == [m0.id, m1.id, result.id])
        #expect(summary.stagesSkipped == [])
        #expect(summary.tasksRun == 4 + 3 + 2)
        #expect(h.state.jobs.isEmpty && h.state.stages.isEmpty && h.state.running.isEmpty && h.state.waiting.isEmpty)
        #expect(h.state.shuffleOutputs[0]?.allSatisfy { $0 != nil } == true, "map outputs outlive the job")
    }

    /// Two branches reading the same shuffle (and, in the second case, the same RDD twice)
    /// share one map stage.
    @Test func diamondSharesOneMapStage() throws {
        let a = FakeNode(0, partitions: 2)
        let s0 = shuffle(0, a, reducers: 2)
        let left = FakeNode(1, partitions: 2, [.shuffle(s0)])
        let right = FakeNode(2, partitions: 2, [.shuffle(s0)])
        let s1 = shuffle(1, left, reducers: 2)
        let s2 = shuffle(2, right, reducers: 2)
        let union = FakeNode(5, partitions: 4, [.narrow(FakeNode(3, partitions: 2, [.shuffle(s1)])),
                                                .narrow(FakeNode(4, partitions: 2, [.shuffle(s2)]))])
        var h = Harness()
        let out = h.submitJob(0, union)
        #expect(h.state.stages.count == 4)
        #expect(out.registeredShuffles.map(\.shuffleId).sorted() == [0, 1, 2])
        let m0 = try #require(h.mapStage(0))
        let m1 = try #require(h.mapStage(1))
        let m2 = try #require(h.mapStage(2))
        #expect(m1.parents == [m0.id] && m2.parents == [m0.id])
        #expect(h.resultStage(0)?.parents == [m1.id, m2.id])
        let first = try #require(out.submitted.only)
        #expect(first.stageId == m0.id)

        let next = h.finishAll(first).submitted
        #expect(next.map(\.stageId).sorted() == [m1.id, m2.id], "both branches run once the shared stage is done")
        var last: [SchedulerDirective] = []
        for r in next { last = h.finishAll(r) }
        let resultTasks = try #require(last.submitted.only)
        #expect(resultTasks.partitions == [0, 1, 2, 3])
        #expect(h.finishAll(resultTasks).succeeded.only?.stagesRun.count == 4)
    }

    @Test func sameShuffleReachedTwiceThroughNarrowBranches() throws {
        let a = FakeNode(0, partitions: 3)
        let s0 = shuffle(7, a, reducers: 2)
        let b = FakeNode(1, partitions: 2, [.shuffle(s0)])
        let left = FakeNode(2, partitions: 2, [.narrow(b)])
        let right = FakeNode(3, partitions: 2, [.narrow(b)])
        let top = FakeNode(4, partitions: 4, [.narrow(left), .narrow(right)])
        var h = Harness()
        let out = h.submitJob(0, top)
        #expect(h.state.stages.count == 2)
        #expect(out.registeredShuffles.count == 1)
        let m = try #require(h.mapStage(7))
        #expect(h.resultStage(0)?.parents == [m.id])
        #expect(out.submitted.map(\.stageId) == [m.id])
    }

    /// A join of two shuffled inputs: two parents, both submitted at once; the result
    /// stage waits for both.
    @Test func joinOfTwoShuffledInputsHasTwoParents() throws {
        let left = FakeNode(0, partitions: 2)
        let right = FakeNode(1, partitions: 3)
        let sl = shuffle(0, left, reducers: 2)
        let sr = shuffle(1, right, reducers: 2)
        let joined = FakeNode(2, partitions: 2, [.shuffle(sl), .shuffle(sr)])
        var h = Harness()
        let out = h.submitJob(0, joined)
        let ml = try #require(h.mapStage(0))
        let mr = try #require(h.mapStage(1))
        let result = try #require(h.resultStage(0))
        #expect(result.parents == [ml.id, mr.id])
        #expect(ml.parents.isEmpty && mr.parents.isEmpty)
        let requests = out.submitted
        #expect(requests.map(\.stageId).sorted() == [ml.id, mr.id])
        #expect(requests.first { $0.stageId == mr.id }?.partitions == [0, 1, 2])
        #expect(h.state.waiting == [result.id])

        let leftDone = h.finishAll(try #require(requests.first { $0.stageId == ml.id }))
        #expect(leftDone.submitted.isEmpty, "the result stage still misses the right side")
        #expect(h.state.waiting == [result.id])
        let rightDone = h.finishAll(try #require(requests.first { $0.stageId == mr.id }))
        #expect(rightDone.submitted.only?.stageId == result.id)
    }

    // MARK: - Missing partitions and reuse

    /// A job over some partitions only runs tasks for those, with output indexes in job order.
    @Test func resultsAreDeliveredPerOutputIndex() throws {
        let rdd = FakeNode(0, partitions: 5)
        var h = Harness()
        let out = h.submitJob(3, rdd, partitions: [4, 1])
        let request = try #require(out.submitted.only)
        #expect(request.jobId == 3)
        #expect(request.partitions == [4, 1])
        #expect(request.kinds == [.result(outputIndex: 0), .result(outputIndex: 1)])

        let first = h.finish(request, partition: 1, .success(.value(TaskResultValue("one"))))
        let d1 = try #require(first.delivered.only)
        #expect(d1.jobId == 3 && d1.outputIndex == 1 && d1.value as? String == "one")
        #expect(first.succeeded.isEmpty)
        // A duplicate report of the same output is not delivered twice.
        #expect(h.finish(request, partition: 1, .success(.value(TaskResultValue("again")))).delivered.isEmpty)

        let second = h.finish(request, partition: 4, .success(.value(TaskResultValue("four"))))
        let d0 = try #require(second.delivered.only)
        #expect(d0.outputIndex == 0 && d0.value as? String == "four")
        #expect(second.succeeded.count == 1)
        #expect(second.endedStages == [request.stageId])
        #expect(h.state.jobs.isEmpty)
    }

    /// A second job over a shuffle whose outputs exist runs only its result stage and
    /// reports the map stage as skipped.
    @Test func secondJobOverSameShuffleSkipsTheMapStage() throws {
        let a = FakeNode(0, partitions: 3)
        let s0 = shuffle(0, a, reducers: 2)
        let reduced = FakeNode(1, partitions: 2, [.shuffle(s0)])
        var h = Harness()
        let firstJob = h.submitJob(0, reduced)
        let maps = try #require(firstJob.submitted.only)
        let results = try #require(h.finishAll(maps).submitted.only)
        #expect(h.finishAll(results).succeeded.only?.stagesSkipped == [])

        let counted = FakeNode(2, partitions: 2, [.narrow(reduced)])
        let secondJob = h.submitJob(1, counted)
        #expect(secondJob.registeredShuffles.isEmpty, "the shuffle is known already")
        let m = try #require(h.mapStage(0))
        let only = try #require(secondJob.submitted.only)
        #expect(only.stageId == h.state.jobs[1]?.finalStageId)
        #expect(only.stageId != m.id)
        let summary = try #require(h.finishAll(only).succeeded.only)
        #expect(summary.jobId == 1)
        #expect(summary.stagesRun == [only.stageId])
        #expect(summary.stagesSkipped == [m.id])
        #expect(summary.tasksRun == 2)
    }

    /// Once the ContextCleaner removed a shuffle, its outputs are forgotten: a job over the same
    /// dependency (were it still referenced) would register it again and run its map stage; a
    /// shuffle whose map stage is live keeps its outputs.
    @Test func unregisteredShuffleIsForgottenUnlessAStageWritesIt() throws {
        let a = FakeNode(0, partitions: 3)
        let s0 = shuffle(0, a, reducers: 2)
        let reduced = FakeNode(1, partitions: 2, [.shuffle(s0)])
        var h = Harness()
        let maps = try #require(h.submitJob(0, reduced).submitted.only)
        h.finishAll(try #require(h.finishAll(maps).submitted.only))
        #expect(h.state.shuffleOutputs[0] != nil && h.state.stages.isEmpty)
        h.send(.shuffleUnregistered(shuffleId: 0))
        #expect(h.state.shuffleOutputs[0] == nil)
        let again = h.submitJob(1, reduced)
        #expect(again.registeredShuffles.map(\.shuffleId) == [0])
        let rerun = try #require(again.submitted.only)
        #expect(rerun.stageId == h.mapStage(0)?.id && rerun.partitions == [0, 1, 2])
        // Its map stage is live now: the outputs it writes stay.
        h.finish(rerun, partition: 0)
        h.send(.shuffleUnregistered(shuffleId: 0))
        #expect(h.state.shuffleOutputs[0]?.map { $0 != nil } == [true, false, false])
    }

    // MARK: - Failures and cancellation

    @Test func taskSetFailureFailsTheJobAndCancelsItsRunningStages() throws {
        let a = FakeNode(0, partitions: 2)
        let b = FakeNode(1, partitions: 2)
        let joined = FakeNode(2, partitions: 2, [.shuffle(shuffle(0, a, reducers: 2)), .shuffle(shuffle(1, b, reducers: 2))])
        var h = Harness()
        let requests = h.submitJob(0, joined).submitted
        #expect(requests.count == 2)
        let failing = requests[0]
        let out = h.send(.taskSetFailed(stageId: failing.stageId, stageAttempt: 0,
                                        reason: "Task 1 in stage 0.0 failed 4 times, most recent failure: boom"))
        let failure = try #require(out.failedJobs.only)
        #expect(failure.jobId == 0 && !failure.cancelled)
        #expect(failure.reason.contains("boom"))
        #expect(failure.reason.contains("Job aborted due to stage failure"))
        #expect(out.cancelledStages.sorted() == requests.map(\.stageId).sorted())
        #expect(Set(out.endedStages) == Set(requests.map(\.stageId)))
        #expect(h.state.jobs.isEmpty && h.state.stages.isEmpty)
        #expect(h.state.running.isEmpty && h.state.waiting.isEmpty)
        // Late reports from the dead stages change nothing.
        #expect(h.finish(requests[1], partition: 0).isEmpty)
    }

    @Test func jobCancelledCancelsItsStages() throws {
        let a = FakeNode(0, partitions: 2)
        let reduced = FakeNode(1, partitions: 2, [.shuffle(shuffle(0, a, reducers: 2))])
        var h = Harness()
        let maps = try #require(h.submitJob(0, reduced).submitted.only)
        let out = h.send(.jobCancelled(jobId: 0, reason: "user pressed stop"))
        let failure = try #require(out.failedJobs.only)
        #expect(failure.jobId == 0 && failure.cancelled)
        #expect(failure.reason.contains("user pressed stop"))
        #expect(out.cancelledStages == [maps.stageId])
        #expect(h.state.jobs.isEmpty && h.state.stages.isEmpty)
        #expect(h.send(.jobCancelled(jobId: 0, reason: "again")).failedJobs.isEmpty, "cancelling twice does nothing")
    }

    /// Cancelling one job leaves a map stage another active job needs running.
    @Test func jobCancelledKeepsAStageSharedWithAnotherJob() throws {
        let a = FakeNode(0, partitions: 2)
        let s0 = shuffle(0, a, reducers: 2)
        let reduced = FakeNode(1, partitions: 2, [.shuffle(s0)])
        let other = FakeNode(2, partitions: 2, [.shuffle(s0)])
        var h = Harness()
        let maps = try #require(h.submitJob(0, reduced).submitted.only)
        #expect(h.submitJob(1, other).submitted.isEmpty, "the shared map stage is already running")
        let m = try #require(h.mapStage(0))
        #expect(m.jobIds == [0, 1])

        let out = h.send(.jobCancelled(jobId: 0, reason: "not needed"))
        #expect(out.failedJobs.map(\.jobId) == [0])
        #expect(out.failedJobs.only?.cancelled == true)
        #expect(out.cancelledStages.isEmpty, "job 1 still needs the map stage")
        #expect(h.state.running == [m.id])
        #expect(h.state.stages[m.id]?.jobIds == [1])

        let next = try #require(h.finishAll(maps).submitted.only)
        #expect(next.jobId == 1)
        #expect(next.stageId == h.state.jobs[1]?.finalStageId)
        #expect(h.finishAll(next).succeeded.only?.jobId == 1)
    }

    @Test func allJobsCancelled() throws {
        let a = FakeNode(0, partitions: 1)
        let b = FakeNode(1, partitions: 1)
        var h = Harness()
        h.submitJob(0, a)
        h.submitJob(1, b)
        let out = h.send(.allJobsCancelled)
        #expect(out.failedJobs.map(\.jobId) == [0, 1])
        #expect(out.failedJobs.allSatisfy { $0.cancelled })
        #expect(out.cancelledStages.count == 2)
        #expect(h.state.jobs.isEmpty && h.state.stages.isEmpty)
    }

    @Test func stageSubmissionFailureAbortsTheJob() throws {
        let a = FakeNode(0, partitions: 2)
        let reduced = FakeNode(1, partitions: 2, [.shuffle(shuffle(0, a, reducers: 2))])
        var h = Harness()
        let maps = try #require(h.submitJob(0, reduced).submitted.only)
        let out = h.send(.stageSubmissionFailed(stageId: maps.stageId,
                                                reason: "Task not serializable: map at Job.swift:3 captures a file"))
        let failure = try #require(out.failedJobs.only)
        #expect(!failure.cancelled)
        #expect(failure.reason.contains("Task not serializable: map at Job.swift:3"))
        #expect(out.submitted.isEmpty)
        #expect(out.endedStages.contains(maps.stageId))
        #expect(h.state.jobs.isEmpty && h.state.stages.isEmpty && h.state.running.isEmpty)
    }

    // MARK: - Fetch failures

    /// A lost map output: the reduce stage fails, the lost map partition alone runs again,
    /// then the reduce stage's missing partitions.
    @Test func fetchFailureResubmitsOnlyTheLostMapPartition() throws {
        let a = FakeNode(0, partitions: 3)
        let reduced = FakeNode(1, partitions: 2, [.shuffle(shuffle(0, a, reducers: 2))])
        var h = Harness()
        let maps = try #require(h.submitJob(0, reduced).submitted.only)
        let m = try #require(h.mapStage(0))
        let results = try #require(h.finishAll(maps).submitted.only)
        let r = results.stageId
        #expect(h.finish(results, partition: 0).delivered.count == 1)

        let out = h.finish(results, partition: 1,
                           .fetchFailed(shuffleId: 0, mapIndex: 2, reduceId: 1, message: "connection reset by exec-a"))
        #expect(out.cancelledStages == [r])
        #expect(out.endedStages == [r])
        #expect(out.unregisteredOutputs.count == 1)
        #expect(out.unregisteredOutputs.first?.shuffleId == 0 && out.unregisteredOutputs.first?.mapIndex == 2)
        #expect(out.resubmitDelays == [0.5])
        #expect(out.submitted.isEmpty, "resubmission waits for the scheduled event")
        #expect(out.failedJobs.isEmpty)
        #expect(h.state.failed == [m.id, r])
        #expect(h.state.shuffleOutputs[0]?.map { $0 != nil } == [true, true, false])
        #expect(h.state.running.isEmpty)

        let resubmitted = h.send(.resubmitFailedStages)
        let again = try #require(resubmitted.submitted.only)
        #expect(again.stageId == m.id)
        #expect(again.stageAttempt == 1)
        #expect(again.partitions == [2])
        #expect(h.state.waiting == [r])

        let next = try #require(h.finishAll(again).submitted.only)
        #expect(next.stageId == r && next.stageAttempt == 1)
        #expect(next.partitions == [1], "output 0 was delivered before the failure")
        #expect(next.kinds == [.result(outputIndex: 1)])
        let end = h.finishAll(next)
        #expect(end.delivered.map(\.outputIndex) == [1])
        #expect(end.succeeded.only?.jobId == 0)
    }

    /// As Spark without an external shuffle service: a fetch failure means the executor that wrote
    /// the lost output lost its files, so every output it wrote, in every shuffle, is forgotten and
    /// recomputed; outputs on other executors are kept.
    @Test func fetchFailureForgetsEveryOutputOfTheLostExecutor() throws {
        let a = FakeNode(0, partitions: 3)
        let b = FakeNode(1, partitions: 1, [.shuffle(shuffle(0, a, reducers: 1))])
        var h = Harness()
        let maps = try #require(h.submitJob(0, b).submitted.only)
        h.finish(maps, partition: 0, .success(.mapStatus(mapStatus(0, on: execA))))
        h.finish(maps, partition: 1, .success(.mapStatus(mapStatus(1, on: execB))))
        let result = try #require(h.finish(maps, partition: 2, .success(.mapStatus(mapStatus(2, on: execA)))).submitted.only)
        let out = h.finish(result, partition: 0, .fetchFailed(shuffleId: 0, mapIndex: 2, reduceId: 0, message: "lost"))
        #expect(Set(out.unregisteredOutputs.map { $0.mapIndex }) == [0, 2], "both outputs of exec-a go")
        #expect(h.state.shuffleOutputs[0]?.map { $0 != nil } == [false, true, false])
        let again = try #require(h.send(.resubmitFailedStages).submitted.only)
        #expect(again.stageId == maps.stageId && again.partitions == [0, 2])
        let rerun = try #require(h.finishAll(again).submitted.only)
        #expect(h.finishAll(rerun).succeeded.only?.jobId == 0)
    }

    /// A map stage that reads a shuffle can fail to fetch too: its outputs written before the
    /// failure are kept, so its next attempt runs only the partitions still missing.
    @Test func fetchFailureInAnIntermediateMapStage() throws {
        let a = FakeNode(0, partitions: 3)
        let b = FakeNode(1, partitions: 3, [.shuffle(shuffle(0, a, reducers: 3))])
        let c = FakeNode(2, partitions: 1, [.shuffle(shuffle(1, b, reducers: 1))])
        var h = Harness()
        let m0 = try #require(h.submitJob(0, c).submitted.only)
        let m1 = try #require(h.finishAll(m0).submitted.only)
        #expect(m1.partitions == [0, 1, 2])
        h.finish(m1, partition: 0)
        let out = h.finish(m1, partition: 1, .fetchFailed(shuffleId: 0, mapIndex: 2, reduceId: 1, message: "lost"))
        #expect(out.resubmitDelays.count == 1)
        #expect(h.state.failed == [m0.stageId, m1.stageId])
        h.finish(m1, partition: 2)  // a task of the failed attempt still finishes; its output is kept
        #expect(h.state.shuffleOutputs[1]?.map { $0 != nil } == [true, false, true])

        let again = try #require(h.send(.resubmitFailedStages).submitted.only)
        #expect(again.stageId == m0.stageId && again.partitions == [2])
        let m1Again = try #require(h.finishAll(again).submitted.only)
        #expect(m1Again.stageId == m1.stageId && m1Again.stageAttempt == 1)
        #expect(m1Again.partitions == [1])
        let result = try #require(h.finishAll(m1Again).submitted.only)
        #expect(h.finishAll(result).succeeded.only?.stagesRun.count == 3)
    }

    /// A fetch failure reported by a task of an attempt that was already resubmitted is ignored.
    @Test func fetchFailureFromAnOlderAttemptIsIgnored() throws {
        let a = FakeNode(0, partitions: 1)
        let reduced = FakeNode(1, partitions: 2, [.shuffle(shuffle(0, a, reducers: 2))])
        var h = Harness()
        let maps = try #require(h.submitJob(0, reduced).submitted.only)
        let results0 = try #require(h.finishAll(maps).submitted.only)
        h.finish(results0, partition: 0, .fetchFailed(shuffleId: 0, mapIndex: 0, reduceId: 0, message: "lost"))
        let again = try #require(h.send(.resubmitFailedStages).submitted.only)
        let results1 = try #require(h.finishAll(again).submitted.only)
        #expect(results1.stageAttempt == 1)
        let stale = h.finish(results0, partition: 1, .fetchFailed(shuffleId: 0, mapIndex: 0, reduceId: 1, message: "old"))
        #expect(stale.unregisteredOutputs.isEmpty && stale.cancelledStages.isEmpty && stale.resubmitDelays.isEmpty)
        #expect(h.state.isAvailable(again.stageId))
        #expect(h.finishAll(results1).succeeded.count == 1)
    }

    /// Every reducer of one attempt may fail at once when an executor dies; that is one
    /// failed attempt of the stage, not one per task (Spark counts failed attempt ids).
    @Test func severalFetchFailuresOfOneAttemptCountOnce() throws {
        let a = FakeNode(0, partitions: 2)
        let reduced = FakeNode(1, partitions: 4, [.shuffle(shuffle(0, a, reducers: 4))])
        var h = Harness(maxConsecutiveStageAttempts: 2)
        let maps = try #require(h.submitJob(0, reduced).submitted.only)
        let results = try #require(h.finishAll(maps).submitted.only)
        var all: [SchedulerDirective] = []
        for p in 0..<4 {
            all += h.finish(results, partition: p,
                            .fetchFailed(shuffleId: 0, mapIndex: 0, reduceId: p, message: "exec-a lost"))
        }
        #expect(all.failedJobs.isEmpty, "one lost executor must not abort the job: \(all.failedJobs)")
        #expect(all.resubmitDelays.count == 1)
        #expect(h.state.stages[results.stageId]?.failedAttempts == 1)
        let again = try #require(h.send(.resubmitFailedStages).submitted.only)
        #expect(again.partitions == [0])
        let next = try #require(h.finishAll(again).submitted.only)
        #expect(next.partitions == [0, 1, 2, 3])
        #expect(h.finishAll(next).succeeded.count == 1)
    }

    /// A fetch failure of the failed attempt that arrives after the stage was resubmitted (it
    /// waits for its parent again) loses one more output; the map stage recomputes it too.
    @Test func lateFetchFailureWhileTheStageWaitsForItsParent() throws {
        let a = FakeNode(0, partitions: 2)
        let reduced = FakeNode(1, partitions: 2, [.shuffle(shuffle(0, a, reducers: 2))])
        var h = Harness()
        let maps = try #require(h.submitJob(0, reduced).submitted.only)
        let results0 = try #require(h.finishAll(maps).submitted.only)
        h.finish(results0, partition: 0, .fetchFailed(shuffleId: 0, mapIndex: 0, reduceId: 0, message: "lost 0"))
        let remap = try #require(h.send(.resubmitFailedStages).submitted.only)
        #expect(remap.partitions == [0])
        #expect(h.state.waiting == [results0.stageId])

        let late = h.finish(results0, partition: 1,
                            .fetchFailed(shuffleId: 0, mapIndex: 1, reduceId: 1, message: "lost 1"))
        #expect(late.failedJobs.isEmpty)
        #expect(h.state.shuffleOutputs[0]?.map { $0 != nil } == [false, false])
        #expect(h.state.waiting == [results0.stageId])

        // The running map attempt ends without map 1's output: the map stage runs again for it.
        let again = try #require(h.finishAll(remap).submitted.only)
        #expect(again.stageId == maps.stageId && again.partitions == [1])
        let results1 = try #require(h.finishAll(again).submitted.only)
        #expect(results1.partitions == [0, 1])
        #expect(h.finishAll(results1).succeeded.count == 1)
    }

    /// After `maxConsecutiveStageAttempts` fetch-failed attempts the job fails.
    @Test func tooManyFetchFailuresFailTheJob() throws {
        let a = FakeNode(0, partitions: 2)
        let reduced = FakeNode(1, partitions: 1, [.shuffle(shuffle(0, a, reducers: 1))])
        var h = Harness(maxConsecutiveStageAttempts: 3)
        var maps = try #require(h.submitJob(0, reduced).submitted.only)
        for attempt in 0..<3 {
            let results = try #require(h.finishAll(maps).submitted.only)
            #expect(results.stageAttempt == attempt)
            let out = h.finish(results, partition: 0,
                               .fetchFailed(shuffleId: 0, mapIndex: 1, reduceId: 0, message: "disk gone \(attempt)"))
            if attempt < 2 {
                #expect(out.failedJobs.isEmpty)
                maps = try #require(h.send(.resubmitFailedStages).submitted.only)
                #expect(maps.partitions == [1])
            } else {
                let failure = try #require(out.failedJobs.only)
                #expect(!failure.cancelled)
                #expect(failure.reason.contains("failed the maximum allowable number of times: 3"))
                #expect(failure.reason.contains("disk gone 2"))
                #expect(out.resubmitDelays.isEmpty)
            }
        }
        #expect(h.state.jobs.isEmpty && h.state.stages.isEmpty && h.state.failed.isEmpty)
        #expect(h.send(.resubmitFailedStages).submitted.isEmpty)
    }

    @Test func clockMeasuresJobDuration() throws {
        var h = Harness()
        let request = try #require(h.submitJob(0, FakeNode(0, partitions: 1)).submitted.only)
        h.clock.advance(2.5)
        let summary = try #require(h.finishAll(request).succeeded.only)
        #expect(abs(summary.seconds - 2.51) < 1e-9)
    }
}

extension Array {
    /// The single element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
