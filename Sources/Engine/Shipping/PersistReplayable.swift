import Runtime
import Scheduler
import Storage

/// An RDD whose storage level a replayed lineage must restore.
protocol PersistReplayable {
    var persistedLevel: StorageLevel? { get }
    func replayPersist(_ level: StorageLevel) throws
}
