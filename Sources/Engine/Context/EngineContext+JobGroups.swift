import Foundation
import Runtime

extension EngineContext {
    /// Puts the jobs this thread starts from now on in group `groupId`, as Spark's
    /// `setJobGroup`: ``cancelJobGroup(_:)`` from any thread cancels those still running.
    /// `description` names the group in logs. Tasks are stopped cooperatively in either case
    /// (they see the kill at their next interruption check, as `TaskContext.checkInterrupted()`);
    /// `interruptOnCancel` is kept for Spark's signature.
    public func setJobGroup(_ groupId: String, description: String, interruptOnCancel: Bool = false) {
        var p = jobGroups.current
        p.group = groupId
        p.description = description
        p.interruptOnCancel = interruptOnCancel
        jobGroups.current = p
    }

    /// Takes this thread's later jobs out of their group, as Spark's `clearJobGroup`.
    public func clearJobGroup() {
        var p = jobGroups.current
        p.group = nil
        p.description = nil
        p.interruptOnCancel = false
        jobGroups.current = p
    }

    /// Cancels the running jobs of group `groupId`: their tasks are killed and their actions
    /// throw `EngineError.jobCancelled` (`Job N cancelled: part of cancelled job group ID`).
    /// Jobs the group starts afterwards run. Mirrors Spark's `cancelJobGroup`.
    public func cancelJobGroup(_ groupId: String) {
        guard let driver else { return }
        for id in jobGroups.jobs(inGroup: groupId) {
            driver.dagScheduler.cancelJob(id, reason: "part of cancelled job group \(groupId)")
        }
    }

    /// Tags the jobs this thread starts from now on with `tag` (besides its other tags), as
    /// Spark's `addJobTag`. A tag must not be empty or contain a comma.
    /// - Throws: `EngineError.invalidArgument` for an empty tag or one with a comma.
    public func addJobTag(_ tag: String) throws(EngineError) {
        guard !tag.isEmpty, !tag.contains(",") else {
            throw .invalidArgument("job tag '\(tag)': a tag must be non-empty and contain no comma")
        }
        jobGroups.current.tags.insert(tag)
    }

    /// Removes `tag` from the jobs this thread starts from now on (Spark's `removeJobTag`).
    public func removeJobTag(_ tag: String) { jobGroups.current.tags.remove(tag) }

    /// The tags this thread's jobs get (Spark's `getJobTags`).
    public var jobTags: Set<String> { jobGroups.current.tags }

    /// Removes every tag of this thread (Spark's `clearJobTags`).
    public func clearJobTags() { jobGroups.current.tags = [] }

    /// Cancels the running jobs tagged `tag`, as ``cancelJobGroup(_:)`` cancels a group
    /// (`Job N cancelled: part of cancelled job tag TAG`). Mirrors Spark's `cancelJobsWithTag`.
    public func cancelJobsWithTag(_ tag: String) {
        guard let driver else { return }
        for id in jobGroups.jobs(taggedWith: tag) {
            driver.dagScheduler.cancelJob(id, reason: "part of cancelled job tag \(tag)")
        }
    }
}
