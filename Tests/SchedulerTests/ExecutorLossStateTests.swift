import Testing
@testable import Scheduler

/// Executor loss and consecutive fetch failures in the DAGScheduler's state machine, event
/// by event: no threads, no sleeping.
@Suite struct ExecutorLossStateTests {
    /// 3 map partitions shuffled into 2 reduce partitions.
    private func twoStages() -> FakeNode {
        FakeNode(1, partitions: 2, [.shuffle(shuffle(0, FakeNode(0, partitions: 3), reducers: 2))])
    }

    /// Losing an executor while a map stage runs forgets the outputs it wrote; the running
    /// attempt goes on, and when its task set ends the lost partitions run again.
    @Test func lossDuringAMapStage() throws {
        var h = Harness()
        let maps = try #require(h.submitJob(0, twoStages()).submitted.only)
        h.finish(maps, partition: 0, .success(.mapStatus(mapStatus(0, on: execA))))
        h.finish(maps, partition: 1, .success(.mapStatus(mapStatus(1, on: execB))))

        let lost = h.send(.executorLost(executorId: "exec-a", reason: "Executor heartbeat timed out after 130000 ms"))
        #expect(lost.removedExecutors == ["exec-a"])
        #expect(lost.warnings == ["Executor lost: exec-a (epoch 0)", "Shuffle files lost for executor: exec-a (epoch 0)"])
        #expect(lost.logText.contains("ShuffleMapStage 0 (FakeRDD[0]) lost 1 map outputs on exec-a"))
        #expect(lost.submitted.isEmpty && lost.failedJobs.isEmpty && lost.cancelledStages.isEmpty,
                "the running attempt goes on")
        #expect(h.state.shuffleOutputs[0]?.map { $0 != nil } == [false, true, false])
        #expect(h.state.running == [maps.stageId])
        #expect(h.state.epoch == 1 && h.state.lostExecutors == ["exec-a": 0])

        let end = h.finish(maps, partition: 2, .success(.mapStatus(mapStatus(2, on: execB))))
        #expect(end.infoLines.contains("Resubmitting ShuffleMapStage 0 (FakeRDD[0]) because some of its tasks had failed: 0"))
        let again = try #require(end.submitted.only, "the lost partition runs again, not the reduce stage")
        #expect(again.stageId == maps.stageId && again.stageAttempt == 1 && again.partitions == [0])

        let results = try #require(h.finishAll(again).submitted.only)
        #expect(results.stageId == h.state.jobs[0]?.finalStageId)
        #expect(h.finishAll(results).succeeded.only?.jobId == 0)
    }

    /// As Spark's `Resubmitted`: when the running attempt's task set queues a lost map output
    /// again, the stage waits for it and finishes in that attempt, with no second attempt.
    @Test func resubmittedPartitionKeepsTheStageRunning() throws {
        var h = Harness()
        let maps = try #require(h.submitJob(0, twoStages()).submitted.only)
        h.finish(maps, partition: 0, .success(.mapStatus(mapStatus(0, on: execA))))
        h.finish(maps, partition: 1, .success(.mapStatus(mapStatus(1, on: execB))))
        h.send(.taskResubmitted(stageId: maps.stageId, stageAttempt: maps.stageAttempt, partition: 0))
        h.send(.executorLost(executorId: "exec-a", reason: "Command exited with code 137"))
        let third = h.finish(maps, partition: 2, .success(.mapStatus(mapStatus(2, on: execB))))
        #expect(third.submitted.isEmpty, "the stage still waits for partition 0")
        #expect(h.state.running == [maps.stageId])
        let rerun = h.finish(maps, partition: 0, .success(.mapStatus(mapStatus(0, on: execB))))
        let results = try #require(rerun.submitted.only, "the reduce stage, not a second map attempt")
        #expect(results.stageId == h.state.jobs[0]?.finalStageId)
        // A stale attempt's resubmission changes nothing.
        h.send(.taskResubmitted(stageId: maps.stageId, stageAttempt: maps.stageAttempt + 5, partition: 1))
        #expect(h.finishAll(results).succeeded.only?.jobId == 0)
    }

    /// The map stage finished; the executor holding part of its output is lost while the
    /// reduce stage runs. A reducer then fails to fetch: the reduce stage is marked failed and
    /// the map stage recomputes exactly what the executor held.
    @Test func lossAfterTheMapStageWhileTheReduceStageRuns() throws {
        var h = Harness()
        let maps = try #require(h.submitJob(0, twoStages()).submitted.only)
        h.finish(maps, partition: 0, .success(.mapStatus(mapStatus(0, on: execA))))
        h.finish(maps, partition: 1, .success(.mapStatus(mapStatus(1, on: execB))))
        let results = try #require(h.finish(maps, partition: 2, .success(.mapStatus(mapStatus(2, on: execA))))
            .submitted.only)
        let r = results.stageId
        #expect(h.finish(results, partition: 0).delivered.count == 1, "reducer 0 fetched before the loss")

        let lost = h.send(.executorLost(executorId: "exec-a", reason: "Command exited with code 137"))
        #expect(lost.removedExecutors == ["exec-a"])
        #expect(lost.submitted.isEmpty && lost.cancelledStages.isEmpty, "nothing to do until a reducer notices")
        #expect(h.state.shuffleOutputs[0]?.map { $0 != nil } == [false, true, false])
        #expect(h.state.running == [r])

        let failure = h.finish(results, partition: 1,
                               .fetchFailed(shuffleId: 0, mapIndex: 2, reduceId: 1,
                                            message: "Failed to connect to host-a:1"))
        #expect(failure.cancelledStages == [r])
        #expect(failure.failedJobs.isEmpty)
        #expect(failure.infoLines.contains(
            "Marking ResultStage 1 (FakeRDD[1]) as failed due to a fetch failure from ShuffleMapStage 0 (FakeRDD[0]): "
                + "Failed to connect to host-a:1"))
        #expect(failure.infoLines.contains("Resubmitting ShuffleMapStage 0 (FakeRDD[0]) and ResultStage 1 (FakeRDD[1]) "
                                           + "due to fetch failure"))
        #expect(failure.resubmitDelays == [0.5])
        #expect(h.state.failed == [maps.stageId, r])
        #expect(h.state.stages[r]?.failedAttempts == 1)

        let resubmitted = h.send(.resubmitFailedStages)
        #expect(resubmitted.infoLines.contains("Resubmitting failed stages"))
        let remap = try #require(resubmitted.submitted.only)
        #expect(remap.stageId == maps.stageId && remap.stageAttempt == 1)
        #expect(remap.partitions == [0, 2], "exactly the outputs exec-a held")
        #expect(h.state.waiting == [r])

        let rerun = try #require(h.finishAll(remap).submitted.only)
        #expect(rerun.stageId == r && rerun.stageAttempt == 1 && rerun.partitions == [1])
        let end = h.finishAll(rerun)
        #expect(end.delivered.map(\.outputIndex) == [1])
        #expect(end.succeeded.only?.jobId == 0)
    }

    /// A stage waiting for one parent finds, when that parent ends, that another parent it
    /// thought complete lost outputs: that parent runs again first.
    @Test func waitingStageFindsAParentMissingAfterALoss() throws {
        let left = FakeNode(0, partitions: 2)
        let right = FakeNode(1, partitions: 2)
        let joined = FakeNode(2, partitions: 2, [.shuffle(shuffle(0, left, reducers: 2)),
                                                 .shuffle(shuffle(1, right, reducers: 2))])
        var h = Harness()
        let requests = h.submitJob(0, joined).submitted
        let ml = try #require(requests.first { $0.kinds.first == .shuffleMap(shuffleId: 0) })
        let mr = try #require(requests.first { $0.kinds.first == .shuffleMap(shuffleId: 1) })
        for p in [0, 1] { h.finish(ml, partition: p, .success(.mapStatus(mapStatus(p, on: execA)))) }
        #expect(h.state.isAvailable(ml.stageId))

        h.send(.executorLost(executorId: "exec-a", reason: "connection reset"))
        #expect(!h.state.isAvailable(ml.stageId))
        #expect(h.state.waiting == [try #require(h.resultStage(0)).id])

        let afterRight = h.finishAll(mr)
        let again = try #require(afterRight.submitted.only, "the left side runs again before the join")
        #expect(again.stageId == ml.stageId && again.partitions == [0, 1] && again.stageAttempt == 1)
        let join = try #require(h.finishAll(again).submitted.only)
        #expect(join.stageId == h.resultStage(0)?.id)
        #expect(h.finishAll(join).succeeded.only?.stagesRun.count == 3)
    }

    /// A second report of the same loss changes nothing; a map output reported from the lost
    /// executor afterwards (a completion that raced with the loss) is ignored, until the
    /// executor registers again.
    @Test func repeatedLossAndLateReportsFromALostExecutor() throws {
        var h = Harness()
        let maps = try #require(h.submitJob(0, twoStages()).submitted.only)
        h.finish(maps, partition: 0, .success(.mapStatus(mapStatus(0, on: execA))))
        #expect(h.send(.executorLost(executorId: "exec-a", reason: "gone")).removedExecutors == ["exec-a"])
        let twice = h.send(.executorLost(executorId: "exec-a", reason: "gone"))
        #expect(twice.removedExecutors.isEmpty && twice.warnings.isEmpty)
        #expect(twice.logText.contains("Additional executor lost message for exec-a"))
        #expect(h.state.epoch == 1)

        let late = h.finish(maps, partition: 1, .success(.mapStatus(mapStatus(1, on: execA))))
        #expect(late.registeredOutputs.isEmpty)
        #expect(late.logText.contains("Ignoring possibly bogus ShuffleMapTask(0, 1) completion from executor exec-a"))
        let end = h.finish(maps, partition: 2, .success(.mapStatus(mapStatus(2, on: execB))))
        let again = try #require(end.submitted.only)
        #expect(again.partitions == [0, 1])

        let added = h.send(.executorAdded(executorId: "exec-a", host: "host-a"))
        #expect(added.logText.contains("Host added was in lost list earlier: host-a"))
        #expect(h.state.lostExecutors.isEmpty)
        let back = h.finish(again, partition: 0, .success(.mapStatus(mapStatus(0, on: execA))))
        #expect(back.registeredOutputs.map(\.mapIndex) == [0], "a re-registered executor is trusted again")
        let results = try #require(h.finish(again, partition: 1).submitted.only)
        #expect(h.finishAll(results).succeeded.count == 1)
    }

    /// Losing an executor that holds no output of a live shuffle only logs.
    @Test func lossOfAnExecutorWithoutOutputs() throws {
        var h = Harness()
        let maps = try #require(h.submitJob(0, twoStages()).submitted.only)
        let out = h.send(.executorLost(executorId: "exec-idle", reason: "idle"))
        #expect(out.removedExecutors == ["exec-idle"])
        #expect(out.submitted.isEmpty && out.failedJobs.isEmpty)
        #expect(h.state.running == [maps.stageId])
    }

    /// A → shuffle 0 → B → shuffle 1 → C ("reduceByKey at WordCount.swift:15") → shuffle 2 → D.
    /// ShuffleMapStage 2 computes C, reading shuffle 1.
    private func fourStages() -> FakeNode {
        let a = FakeNode(0, partitions: 2)
        let b = FakeNode(1, partitions: 2, [.shuffle(shuffle(0, a, reducers: 2))])
        let c = FakeNode(2, partitions: 2, [.shuffle(shuffle(1, b, reducers: 2))], name: "reduceByKey at WordCount.swift:15")
        return FakeNode(3, partitions: 1, [.shuffle(shuffle(2, c, reducers: 1))])
    }

    /// Four attempts in a row of one stage fail on fetch failures: the job is aborted with a
    /// message naming the stage, the limit and the last cause.
    @Test func fourConsecutiveFetchFailuresAbortTheJob() throws {
        #expect(DAGSchedulerState.defaultMaxConsecutiveStageAttempts == 4)
        var h = Harness()
        #expect(h.state.maxConsecutiveStageAttempts == 4)
        let s0 = try #require(h.submitJob(0, fourStages()).submitted.only)
        var s1 = try #require(h.finishAll(s0).submitted.only)
        for attempt in 0..<4 {
            let s2 = try #require(h.finishAll(s1).submitted.only)
            #expect(s2.stageId == 2 && s2.stageAttempt == attempt)
            let message = "Failed to connect to host-0:7000 (attempt \(attempt))"
            let out = h.finish(s2, partition: 0, .fetchFailed(shuffleId: 1, mapIndex: 0, reduceId: 0, message: message))
            #expect(h.state.stages[2]?.failedAttempts ?? 4 == attempt + 1)
            if attempt < 3 {
                #expect(out.failedJobs.isEmpty)
                s1 = try #require(h.send(.resubmitFailedStages).submitted.only)
                #expect(s1.stageId == 1 && s1.partitions == [0])
            } else {
                let failure = try #require(out.failedJobs.only)
                #expect(!failure.cancelled)
                #expect(failure.reason == "Job aborted due to stage failure: ShuffleMapStage 2 (reduceByKey at "
                        + "WordCount.swift:15) has failed the maximum allowable number of times: 4. "
                        + "Most recent failure reason: Failed to connect to host-0:7000 (attempt 3)")
                #expect(out.resubmitDelays.isEmpty)
            }
        }
        #expect(h.state.jobs.isEmpty && h.state.stages.isEmpty && h.state.failed.isEmpty)
    }

    /// The limit is on attempts in a row: a successful attempt starts the count again.
    @Test func aSuccessfulAttemptResetsTheCount() throws {
        var h = Harness(maxConsecutiveStageAttempts: 2)
        let s0 = try #require(h.submitJob(0, fourStages()).submitted.only)
        let s1 = try #require(h.finishAll(s0).submitted.only)
        let s2 = try #require(h.finishAll(s1).submitted.only)
        h.finish(s2, partition: 0, .fetchFailed(shuffleId: 1, mapIndex: 0, reduceId: 0, message: "first"))
        #expect(h.state.stages[2]?.failedAttempts == 1)
        let s1again = try #require(h.send(.resubmitFailedStages).submitted.only)
        let s2again = try #require(h.finishAll(s1again).submitted.only)
        #expect(s2again.partitions == [0, 1])
        let result = try #require(h.finishAll(s2again).submitted.only)
        #expect(h.state.stages[2]?.failedAttempts == 0, "stage 2 succeeded")

        // The result stage loses stage 2's output: stage 2 runs again and fails to fetch once more.
        h.finish(result, partition: 0, .fetchFailed(shuffleId: 2, mapIndex: 1, reduceId: 0, message: "lost map 1"))
        let s2third = try #require(h.send(.resubmitFailedStages).submitted.only)
        #expect(s2third.stageId == 2 && s2third.partitions == [1])
        let out = h.finish(s2third, partition: 1, .fetchFailed(shuffleId: 1, mapIndex: 1, reduceId: 1, message: "second"))
        #expect(out.failedJobs.isEmpty, "one failure since the last success, not two: \(out.failedJobs)")
        #expect(h.state.stages[2]?.failedAttempts == 1)

        let s1third = try #require(h.send(.resubmitFailedStages).submitted.only)
        let s2fourth = try #require(h.finishAll(s1third).submitted.only)
        let resultAgain = try #require(h.finishAll(s2fourth).submitted.only)
        #expect(h.finishAll(resultAgain).succeeded.only?.jobId == 0)
    }
}
