import Logging

/// The DAGScheduler as a state machine, as Spark's DAGScheduler: it splits a job's
/// lineage into stages at shuffle dependencies, submits a stage once its parents'
/// outputs exist, resubmits what a fetch failure lost, and completes or fails jobs.
///
/// It does no I/O: each event returns ``SchedulerDirective``s for the shell
/// (``DAGScheduler``) to carry out. Time comes from an injected clock.
///
/// Executors in other processes come and go: when one is lost, every map output it wrote is
/// forgotten (there is no external shuffle service), so stages that need them run again —
/// a waiting stage finds its parent missing, a running map stage resubmits the lost
/// partitions when its task set ends, a running reduce stage fails to fetch and its parent
/// is recomputed. A stage whose attempts fail on fetch failures
/// ``maxConsecutiveStageAttempts`` times in a row aborts its jobs.
///
/// Invariants (checked by ``checkInvariants()``): a stage is in at most one of
/// waiting/running/failed; every stage in those sets belongs to at least one active
/// job; a shuffle id maps to at most one live map stage; no recorded map output lives on
/// an executor known to be lost.
public struct DAGSchedulerState: Sendable {
    /// Every stage of an active job, by id.
    public private(set) var stages: [Int: Stage] = [:]
    /// The active jobs, by id.
    public private(set) var jobs: [Int: ActiveJob] = [:]
    /// Stages waiting for their parents' outputs (Spark's `waitingStages`).
    public private(set) var waiting: Set<Int> = []
    /// Stages whose tasks are submitted (Spark's `runningStages`).
    public private(set) var running: Set<Int> = []
    /// Stages that failed on a fetch failure and wait to be resubmitted (Spark's `failedStages`).
    public private(set) var failed: Set<Int> = []
    /// shuffleId → the live ShuffleMapStage writing it.
    public private(set) var shuffleIdToStage: [Int: Int] = [:]
    /// What map outputs exist, per shuffle; survives its stages (an earlier job's output is reused).
    public private(set) var shuffleOutputs: [Int: [MapStatus?]] = [:]
    /// The map outputs of each shuffle whose tasks' accumulator updates were merged: a map task
    /// run again for a lost output does not add them a second time.
    public private(set) var accumulatorsCounted: [Int: Set<Int>] = [:]

    /// Executors lost and not seen again → the epoch at which each was lost. Map outputs a
    /// late report places there are ignored (Spark's executorFailureEpoch).
    public private(set) var lostExecutors: [String: Int] = [:]
    /// Counts executor losses, as the map output epoch Spark logs with them.
    public private(set) var epoch = 0

    private var nextStageId = 0
    private let clock: any SchedulerClock
    /// `engine.stage.maxConsecutiveAttempts` (Spark's `spark.stage.maxConsecutiveAttempts`):
    /// how many attempts of one stage in a row may fail on fetch failures before its jobs are
    /// aborted. A successful attempt starts the count again.
    public let maxConsecutiveStageAttempts: Int
    /// Delay before failed stages are resubmitted.
    public let resubmitDelay: Double

    /// The default of `engine.stage.maxConsecutiveAttempts`, as Spark's.
    public static let defaultMaxConsecutiveStageAttempts = 4

    private var out: [SchedulerDirective] = []

    /// `maxConsecutiveStageAttempts` is `engine.stage.maxConsecutiveAttempts` (at least 1).
    public init(clock: any SchedulerClock,
                maxConsecutiveStageAttempts: Int = DAGSchedulerState.defaultMaxConsecutiveStageAttempts,
                resubmitDelay: Double = 0.2) {
        self.clock = clock
        self.maxConsecutiveStageAttempts = max(1, maxConsecutiveStageAttempts)
        self.resubmitDelay = resubmitDelay
    }

    /// Handles one event and returns what the shell must do, in order.
    public mutating func handle(_ event: DAGSchedulerEvent) -> [SchedulerDirective] {
        out = []
        switch event {
        case .jobSubmitted(let jobId, let rdd, let function, let partitions, let callSite):
            handleJobSubmitted(jobId: jobId, rdd: rdd, function: function, partitions: partitions, callSite: callSite)
        case .taskCompleted(let completion):
            handleTaskCompletion(completion)
        case .taskResubmitted(let stageId, let attempt, let partition):
            if var stage = stages[stageId], running.contains(stageId), attempt == stage.latestAttempt {
                stage.pendingPartitions.insert(partition)
                stages[stageId] = stage
                log(.debug, "Resubmitted partition \(partition) of \(stage.name): waiting for it again")
            }
        case .taskSetFailed(let stageId, let attempt, let reason):
            // Only the running latest attempt's failure counts: an earlier attempt of a stage
            // that was resubmitted, or finished meanwhile, fails nothing.
            if let stage = stages[stageId] {
                if attempt == stage.latestAttempt && running.contains(stageId) {
                    abortStage(stage, reason: reason)
                } else {
                    log(.info, "Ignoring the failure of attempt \(attempt) of \(stage.name), not its running latest attempt: \(reason)")
                }
            }
        case .stageSubmissionFailed(let stageId, let reason):
            if let stage = stages[stageId] {
                markStageAsFinished(stageId, failure: reason)
                abortStage(stage, reason: reason)
            }
        case .jobCancelled(let jobId, let reason):
            if let job = jobs[jobId] {
                failJobAndIndependentStages(job, reason: "Job \(jobId) cancelled: \(reason)", cancelled: true)
            }
        case .allJobsCancelled:
            for id in jobs.keys.sorted() {
                if let job = jobs[id] {
                    failJobAndIndependentStages(job, reason: "Job \(id) cancelled as part of cancellation of all jobs",
                                                cancelled: true)
                }
            }
        case .resubmitFailedStages:
            resubmitFailedStages()
        case .executorLost(let executorId, let reason):
            handleExecutorLost(executorId, reason: reason)
        case .executorAdded(let executorId, let host):
            if lostExecutors.removeValue(forKey: executorId) != nil {
                log(.info, "Host added was in lost list earlier: \(host) (executor \(executorId))")
            }
        case .shuffleUnregistered(let shuffleId):
            // Every live stage holds its shuffle dependency, so a shuffle cleaned for want of
            // references has no stage; were one there, its outputs would still be needed.
            if shuffleIdToStage[shuffleId] == nil {
                shuffleOutputs.removeValue(forKey: shuffleId)
                accumulatorsCounted.removeValue(forKey: shuffleId)
            }
        }
        return out
    }

    // MARK: - Building stages

    /// The shuffle dependencies reached from `rdd` through narrow dependencies only.
    private func immediateShuffleDependencies(_ rdd: any LineageNode) -> [ShuffleDependencyBase] {
        var result: [ShuffleDependencyBase] = []
        var seen: Set<Int> = [rdd.rddId]
        var stack: [any LineageNode] = [rdd]
        while let node = stack.popLast() {
            for dep in node.lineageDependencies {
                switch dep {
                case .shuffle(let s):
                    if !result.contains(where: { $0.shuffleId == s.shuffleId }) { result.append(s) }
                case .narrow(let parent):
                    if seen.insert(parent.rddId).inserted { stack.append(parent) }
                }
            }
        }
        return result.sorted { $0.shuffleId < $1.shuffleId }
    }

    private mutating func getOrCreateParentStages(_ rdd: any LineageNode, firstJobId: Int) -> [Int] {
        immediateShuffleDependencies(rdd).map { getOrCreateShuffleMapStage($0, firstJobId: firstJobId) }
    }

    /// One ShuffleMapStage per shuffle dependency, shared by every job that needs it.
    private mutating func getOrCreateShuffleMapStage(_ dep: ShuffleDependencyBase, firstJobId: Int) -> Int {
        if let id = shuffleIdToStage[dep.shuffleId] { return id }
        let parents = getOrCreateParentStages(dep.mapSide, firstJobId: firstJobId)
        let id = nextStageId
        nextStageId += 1
        stages[id] = Stage(id: id, rdd: dep.mapSide, kind: .shuffleMap(dep), parents: parents,
                           firstJobId: firstJobId, jobIds: [])
        shuffleIdToStage[dep.shuffleId] = id
        if shuffleOutputs[dep.shuffleId] == nil {
            shuffleOutputs[dep.shuffleId] = Array(repeating: nil, count: dep.mapSide.numPartitions)
            out.append(.registerShuffle(shuffleId: dep.shuffleId, numMaps: dep.mapSide.numPartitions))
        }
        return id
    }

    private mutating func createResultStage(_ rdd: any LineageNode, jobId: Int) -> Int {
        let parents = getOrCreateParentStages(rdd, firstJobId: jobId)
        let id = nextStageId
        nextStageId += 1
        stages[id] = Stage(id: id, rdd: rdd, kind: .result(jobId: jobId), parents: parents,
                           firstJobId: jobId, jobIds: [])
        return id
    }

    /// Adds `jobId` to `stageId` and every ancestor stage.
    private mutating func updateJobIds(_ stageId: Int, jobId: Int) {
        var stack = [stageId]
        while let s = stack.popLast() {
            guard var st = stages[s], !st.jobIds.contains(jobId) else { continue }
            st.jobIds.insert(jobId)
            stages[s] = st
            stack.append(contentsOf: st.parents)
        }
    }

    /// True when every map output of a shuffle map stage exists.
    public func isAvailable(_ stageId: Int) -> Bool {
        guard let st = stages[stageId] else { return false }
        guard let dep = st.shuffleDependency else { return false }
        guard let outs = shuffleOutputs[dep.shuffleId] else { return false }
        return outs.allSatisfy { $0 != nil }
    }

    private mutating func missingParentStages(_ stageId: Int) -> [Int] {
        guard let st = stages[stageId] else { return [] }
        return st.parents.filter { !isAvailable($0) }.sorted()
    }

    /// Partitions of a stage that still need computing.
    private func findMissingPartitions(_ stage: Stage) -> [Int] {
        switch stage.kind {
        case .shuffleMap(let dep):
            let outs = shuffleOutputs[dep.shuffleId] ?? []
            return (0..<stage.numPartitions).filter { $0 >= outs.count || outs[$0] == nil }
        case .result(let jobId):
            guard let job = jobs[jobId] else { return [] }
            return job.partitions.indices.filter { !job.finished[$0] }.map { job.partitions[$0] }
        }
    }

    // MARK: - Jobs

    private mutating func handleJobSubmitted(jobId: Int, rdd: any LineageNode, function: any JobFunction,
                                             partitions: [Int], callSite: String) {
        let finalStage = createResultStage(rdd, jobId: jobId)
        jobs[jobId] = ActiveJob(id: jobId, finalStageId: finalStage, partitions: partitions, function: function,
                                callSite: callSite, submittedAt: clock.now(),
                                finished: Array(repeating: false, count: partitions.count))
        updateJobIds(finalStage, jobId: jobId)
        let parents = stages[finalStage]!.parents
        let missing = missingParentStages(finalStage)
        log(.info, "Got job \(jobId) (\(callSite)) with \(partitions.count) output partitions")
        log(.info, "Final stage: \(stages[finalStage]!.name)")
        log(.info, "Parents of final stage: [\(parents.map { "ShuffleMapStage \($0)" }.joined(separator: ", "))]")
        log(.info, "Missing parents: [\(missing.map { "ShuffleMapStage \($0)" }.joined(separator: ", "))]")
        submitStage(finalStage)
    }

    /// The earliest active job that needs a stage.
    private func activeJobForStage(_ stageId: Int) -> Int? {
        stages[stageId]?.jobIds.filter { jobs[$0] != nil }.min()
    }

    private mutating func submitStage(_ stageId: Int) {
        guard let jobId = activeJobForStage(stageId) else {
            if let st = stages[stageId] { abortStage(st, reason: "No active job for stage \(stageId)") }
            return
        }
        guard !waiting.contains(stageId), !running.contains(stageId), !failed.contains(stageId) else { return }
        let missing = missingParentStages(stageId)
        if missing.isEmpty {
            log(.info, "Submitting \(stages[stageId]!.name), which has no missing parents")
            submitMissingTasks(stageId, jobId: jobId)
        } else {
            for parent in missing { submitStage(parent) }
            waiting.insert(stageId)
        }
    }

    private mutating func submitMissingTasks(_ stageId: Int, jobId: Int) {
        guard var stage = stages[stageId] else { return }
        let partitions = findMissingPartitions(stage)
        stage.latestAttempt += 1
        stage.submittedAt = clock.now()
        stage.pendingPartitions = Set(partitions)
        stages[stageId] = stage
        running.insert(stageId)
        for j in stage.jobIds where jobs[j] != nil { jobs[j]!.submittedStages.insert(stageId) }

        guard !partitions.isEmpty else {
            markStageAsFinished(stageId, failure: nil)
            submitWaitingChildStages(stageId)
            return
        }
        let source: StageBinarySource
        let tasks: [(partition: Int, kind: TaskKind)]
        switch stage.kind {
        case .shuffleMap(let dep):
            source = .shuffleMap(rdd: stage.rdd, shuffle: dep)
            tasks = partitions.map { ($0, TaskKind.shuffleMap(shuffleId: dep.shuffleId)) }
        case .result(let resultJob):
            let job = jobs[resultJob]!
            source = .result(rdd: stage.rdd, function: job.function)
            var indexOf: [Int: Int] = [:]
            for (i, p) in job.partitions.enumerated() { indexOf[p] = i }
            tasks = partitions.map { ($0, TaskKind.result(outputIndex: indexOf[$0]!)) }
        }
        let shown = partitions.prefix(15).map(String.init).joined(separator: ", ")
        log(.info, "Submitting \(partitions.count) missing tasks from \(stage.name) (first 15 tasks are for partitions [\(shown)])")
        var request = TaskSetRequest(stageId: stageId, stageAttempt: stage.latestAttempt, jobId: jobId,
                                     stageName: stage.name, source: source, tasks: tasks)
        request.preferredLocations = partitions.map { stage.rdd.preferredLocations($0) }
        out.append(.submitTasks(request))
    }

    private mutating func submitWaitingChildStages(_ parentId: Int) {
        let children = waiting.filter { stages[$0]?.parents.contains(parentId) ?? false }
            .sorted { (stages[$0]!.firstJobId, $0) < (stages[$1]!.firstJobId, $1) }
        for child in children {
            waiting.remove(child)
            submitStage(child)
        }
    }

    private mutating func markStageAsFinished(_ stageId: Int, failure: String?) {
        guard let stage = stages[stageId] else { return }
        if running.remove(stageId) != nil {
            let took = clock.now() - stage.submittedAt
            if let failure {
                log(.info, "\(stage.name) failed in \(fmt(took)) s due to \(failure)")
            } else {
                log(.info, "\(stage.name) finished in \(fmt(took)) s")
                // As Spark's clearFailures: the limit is on consecutive failed attempts.
                stages[stageId]?.failedAttempts = 0
            }
        }
        out.append(.stageEnded(stageId: stageId))
    }

    // MARK: - Task completion

    private mutating func handleTaskCompletion(_ c: TaskCompletion) {
        guard var stage = stages[c.stageId] else { return }  // stage of a cancelled or finished job
        switch c.reason {
        case .success(let outcome):
            switch (stage.kind, outcome) {
            case (.result(let jobId), .value(let value)):
                guard case .result(let outputIndex) = c.kind, var job = jobs[jobId],
                      outputIndex < job.finished.count, !job.finished[outputIndex] else { return }
                countTask(c, of: stage)
                job = jobs[jobId]!
                job.finished[outputIndex] = true
                job.numFinished += 1
                jobs[jobId] = job
                stage.pendingPartitions.remove(c.partition)
                stages[c.stageId] = stage
                out.append(.deliverResult(jobId: jobId, outputIndex: outputIndex, value: value))
                if job.numFinished == job.partitions.count {
                    markStageAsFinished(stage.id, failure: nil)
                    finishJob(job)
                }
            case (.shuffleMap(let dep), .mapStatus(let status)):
                if stage.pendingPartitions.contains(c.partition) {
                    // A map output computed again (lost executor, fetch failure) adds its accumulators once.
                    let first = accumulatorsCounted[dep.shuffleId, default: []].insert(c.partition).inserted
                    countTask(c, of: stage, accumulators: first)
                }
                stage.pendingPartitions.remove(c.partition)
                stages[c.stageId] = stage
                let writer = status.location.executorId
                if lostExecutors[writer] != nil {
                    // Reported after its executor was lost: its files are gone with it.
                    log(.info, "Ignoring possibly bogus ShuffleMapTask(\(stage.id), \(c.partition)) completion "
                        + "from executor \(writer)")
                } else if var outs = shuffleOutputs[dep.shuffleId], status.mapIndex < outs.count {
                    outs[status.mapIndex] = status
                    shuffleOutputs[dep.shuffleId] = outs
                    out.append(.registerMapOutput(shuffleId: dep.shuffleId, status: status))
                }
                if running.contains(stage.id) && stage.pendingPartitions.isEmpty {
                    markStageAsFinished(stage.id, failure: nil)
                    if !isAvailable(stage.id) {
                        log(.info, "Resubmitting \(stage.name) because some of its tasks had failed: "
                            + findMissingPartitions(stage).map(String.init).joined(separator: ", "))
                        submitStage(stage.id)
                    } else {
                        submitWaitingChildStages(stage.id)
                    }
                }
            default:
                log(.error, "task \(c.taskId) of \(stage.name) returned an outcome of the wrong kind; ignored")
            }
        case .fetchFailed(let shuffleId, let mapIndex, _, let message):
            guard c.stageAttempt == stage.latestAttempt else {
                log(.info, "Ignoring fetch failure from task \(c.taskId) of an earlier attempt of \(stage.name)")
                return
            }
            // Several tasks of one attempt may fail to fetch (an executor died under all of them):
            // the first marks the attempt failed and counts it; later ones only lose more outputs.
            let mapStageName = shuffleIdToStage[shuffleId].flatMap { stages[$0]?.name } ?? "shuffle \(shuffleId)"
            if running.contains(stage.id) {
                log(.info, "Marking \(stage.name) as failed due to a fetch failure from \(mapStageName): \(message)")
                markStageAsFinished(stage.id, failure: "fetch failure")
                out.append(.cancelTasks(stageId: stage.id, reason: "fetch failure"))
                stage.failedAttempts += 1
                stages[c.stageId] = stage
                if stage.failedAttempts >= maxConsecutiveStageAttempts {
                    abortStage(stage, reason: "\(stage.name) has failed the maximum allowable number of times: "
                               + "\(maxConsecutiveStageAttempts). Most recent failure reason: \(message)")
                    return
                }
            }
            // As Spark without an external shuffle service: a lost map output means the files of the
            // executor that wrote it are lost, so forget every output that executor wrote, in every
            // shuffle; otherwise each lost output costs one stage attempt and the job soon aborts.
            let knownIndex = mapIndex.flatMap { $0 >= 0 ? $0 : nil }
            let lostExecutor = knownIndex.flatMap { m -> String? in
                guard let outs = shuffleOutputs[shuffleId], m < outs.count else { return nil }
                return outs[m]?.location.executorId
            }
            if let lostExecutor {
                for (id, outs) in shuffleOutputs.sorted(by: { $0.key < $1.key }) {
                    var kept = outs
                    for (m, status) in outs.enumerated() where status?.location.executorId == lostExecutor {
                        kept[m] = nil
                        out.append(.unregisterMapOutput(shuffleId: id, mapIndex: m))
                    }
                    shuffleOutputs[id] = kept
                }
            } else {
                if var outs = shuffleOutputs[shuffleId] {
                    if let m = knownIndex, m < outs.count { outs[m] = nil } else { outs = outs.map { _ in nil } }
                    shuffleOutputs[shuffleId] = outs
                }
                out.append(.unregisterMapOutput(shuffleId: shuffleId, mapIndex: knownIndex))
            }
            // A stage already waiting or running (resubmitted meanwhile) is not marked failed:
            // a stage is in one set only, and the running map stage recomputes lost outputs itself.
            let noneFailedBefore = failed.isEmpty
            for s in [stage.id, shuffleIdToStage[shuffleId]].compactMap({ $0 })
                where !waiting.contains(s) && !running.contains(s) {
                failed.insert(s)
            }
            if noneFailedBefore && !failed.isEmpty {
                log(.info, "Resubmitting \(mapStageName) and \(stage.name) due to fetch failure")
                out.append(.scheduleResubmit(afterSeconds: resubmitDelay))
            }
        case .exception(let message), .killed(let message), .executorLost(_, let message):
            // Retries are the TaskSetManager's business; these reach here only from tests.
            log(.debug, "task \(c.taskId) of \(stage.name) ended: \(message)")
        }
    }

    /// Adds an accepted task's metrics to every active job that needs its stage (once per task),
    /// and its accumulator updates to the driver's values unless `accumulators` is false.
    private mutating func countTask(_ c: TaskCompletion, of stage: Stage, accumulators: Bool = true) {
        if accumulators && !c.metrics.accumulatorUpdates.isEmpty { out.append(.mergeAccumulators(c.metrics.accumulatorUpdates)) }
        for j in stage.jobIds where jobs[j] != nil {
            jobs[j]!.metrics.add(c.metrics)
            jobs[j]!.tasksRun += 1
        }
    }

    private mutating func resubmitFailedStages() {
        guard !failed.isEmpty else { return }
        log(.info, "Resubmitting failed stages")
        let toRetry = failed.sorted { (stages[$0]?.firstJobId ?? 0, $0) < (stages[$1]?.firstJobId ?? 0, $1) }
        failed.removeAll()
        for s in toRetry where stages[s] != nil { submitStage(s) }
    }

    // MARK: - Executors

    /// As Spark's handleExecutorLost without an external shuffle service: the executor's
    /// shuffle files went with it, so every map output it wrote is forgotten. Stages needing
    /// them find them missing when they are next submitted or when their task set ends.
    private mutating func handleExecutorLost(_ executorId: String, reason: String) {
        let holdsOutputs = shuffleOutputs.values.contains { $0.contains { $0?.location.executorId == executorId } }
        if lostExecutors[executorId] != nil && !holdsOutputs {
            log(.debug, "Additional executor lost message for \(executorId) (epoch \(epoch))")
            return
        }
        log(.warning, "Executor lost: \(executorId) (epoch \(epoch))")
        lostExecutors[executorId] = epoch
        log(.warning, "Shuffle files lost for executor: \(executorId) (epoch \(epoch))")
        for (shuffleId, outs) in shuffleOutputs.sorted(by: { $0.key < $1.key }) {
            let lost = outs.indices.filter { outs[$0]?.location.executorId == executorId }
            guard !lost.isEmpty else { continue }
            shuffleOutputs[shuffleId] = outs.map { $0?.location.executorId == executorId ? nil : $0 }
            let name = shuffleIdToStage[shuffleId].flatMap { stages[$0]?.name } ?? "the map stage of shuffle \(shuffleId)"
            let shown = lost.prefix(15).map(String.init).joined(separator: ", ")
            log(.info, "\(name) lost \(lost.count) map outputs on \(executorId) (\(reason)): partitions [\(shown)] "
                + "will be recomputed")
        }
        epoch += 1
        out.append(.removeOutputsOnExecutor(executorId: executorId))
    }

    // MARK: - Ending jobs

    private mutating func finishJob(_ job: ActiveJob) {
        let took = clock.now() - job.submittedAt
        let lineage = ancestorsAndSelf(job.finalStageId)
        let skipped = lineage.subtracting(job.submittedStages).sorted()
        for s in skipped { log(.info, "\(stages[s]?.name ?? "Stage \(s)") skipped: its output is available") }
        let summary = JobSummary(jobId: job.id, callSite: job.callSite, seconds: took,
                                 stagesRun: job.submittedStages.sorted(), stagesSkipped: skipped,
                                 tasksRun: job.tasksRun, metrics: job.metrics)
        cleanupStateForJobAndIndependentStages(job.id)
        log(.info, "Job \(job.id) finished: \(job.callSite), took \(fmt(took)) s")
        out.append(.jobSucceeded(summary))
    }

    private func ancestorsAndSelf(_ stageId: Int) -> Set<Int> {
        var seen: Set<Int> = []
        var stack = [stageId]
        while let s = stack.popLast() {
            guard seen.insert(s).inserted, let st = stages[s] else { continue }
            stack.append(contentsOf: st.parents)
        }
        return seen
    }

    /// Fails every active job that depends on `stage`.
    private mutating func abortStage(_ stage: Stage, reason: String) {
        let dependent = jobs.values.filter { ancestorsAndSelf($0.finalStageId).contains(stage.id) }
            .sorted { $0.id < $1.id }
        if dependent.isEmpty { log(.info, "Ignoring failure of \(stage.name) because all jobs depending on it are done") }
        for job in dependent {
            failJobAndIndependentStages(job, reason: "Job aborted due to stage failure: \(reason)", cancelled: false)
        }
    }

    private mutating func failJobAndIndependentStages(_ job: ActiveJob, reason: String, cancelled: Bool) {
        for (id, st) in stages.sorted(by: { $0.key < $1.key }) where st.jobIds == [job.id] {
            if running.contains(id) {
                out.append(.cancelTasks(stageId: id, reason: reason))
                markStageAsFinished(id, failure: reason)
            }
        }
        cleanupStateForJobAndIndependentStages(job.id)
        log(.info, "Job \(job.id) failed: \(job.callSite), took \(fmt(clock.now() - job.submittedAt)) s")
        out.append(.jobFailed(jobId: job.id, reason: reason, cancelled: cancelled))
    }

    /// Removes the job, and every stage no other active job needs.
    private mutating func cleanupStateForJobAndIndependentStages(_ jobId: Int) {
        for (id, var st) in stages where st.jobIds.contains(jobId) {
            st.jobIds.remove(jobId)
            if st.jobIds.isEmpty {
                stages.removeValue(forKey: id)
                waiting.remove(id)
                running.remove(id)
                failed.remove(id)
                if let dep = st.shuffleDependency, shuffleIdToStage[dep.shuffleId] == id {
                    shuffleIdToStage.removeValue(forKey: dep.shuffleId)
                }
            } else {
                stages[id] = st
            }
        }
        jobs.removeValue(forKey: jobId)
    }

    // MARK: - Helpers

    private mutating func log(_ level: Logger.Level, _ message: String) { out.append(.log(level, message)) }

    private func fmt(_ seconds: Double) -> String {
        let ms = (seconds * 1000).rounded()
        return "\(ms / 1000)"
    }

    /// Checks the invariants stated on the type; returns the violations (empty when sound).
    public func checkInvariants() -> [String] {
        var problems: [String] = []
        for s in waiting.intersection(running) { problems.append("stage \(s) both waiting and running") }
        for s in waiting.intersection(failed) { problems.append("stage \(s) both waiting and failed") }
        for s in running.intersection(failed) { problems.append("stage \(s) both running and failed") }
        for s in waiting.union(running).union(failed) {
            guard let st = stages[s] else { problems.append("stage \(s) in a set but unknown"); continue }
            if !st.jobIds.contains(where: { jobs[$0] != nil }) { problems.append("stage \(s) has no active job") }
        }
        for (shuffle, stageId) in shuffleIdToStage where stages[stageId]?.shuffleDependency?.shuffleId != shuffle {
            problems.append("shuffle \(shuffle) maps to stage \(stageId), which does not write it")
        }
        for (shuffle, outs) in shuffleOutputs {
            for case let status? in outs where lostExecutors[status.location.executorId] != nil {
                problems.append("map output \(status.mapIndex) of shuffle \(shuffle) is on lost executor "
                                + "\(status.location.executorId)")
            }
        }
        return problems
    }
}
