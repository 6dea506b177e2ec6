import Storage
import Synchronization

/// The driver's ``MapOutputTracker``, as Spark's MapOutputTrackerMaster: the DAGScheduler
/// registers each shuffle and its map outputs as map tasks finish, and forgets those lost;
/// executors' ``MapOutputTrackerWorker``s ask it where to fetch (through the driver's endpoint).
/// In local mode it is also the executor's tracker.
///
/// Invariant: a registered shuffle has one entry per map task, nil while that output is missing.
public final class MapOutputTrackerMaster: MapOutputTracker {
    private let shuffles = Mutex<[Int: [MapStatus?]]>([:])

    /// An empty tracker.
    public init() {}

    /// Declares a shuffle with `numMaps` map tasks; keeps existing outputs if already known.
    public func registerShuffle(_ shuffleId: Int, numMaps: Int) {
        shuffles.withLock { s in
            if s[shuffleId] == nil { s[shuffleId] = Array(repeating: nil, count: numMaps) }
        }
    }

    /// Every map output of a shuffle as registered here (nil entries: missing), nil when the
    /// shuffle is unknown: what the driver's tracker answers an executor's.
    public func statuses(_ shuffleId: Int) -> [MapStatus?]? { shuffles.withLock { $0[shuffleId] } }

    /// True when the shuffle was registered.
    public func containsShuffle(_ shuffleId: Int) -> Bool { shuffles.withLock { $0[shuffleId] != nil } }

    /// Records map task `status.mapIndex`'s output.
    public func registerMapOutput(_ shuffleId: Int, _ status: MapStatus) {
        shuffles.withLock { s in
            guard var outs = s[shuffleId], status.mapIndex < outs.count else { return }
            outs[status.mapIndex] = status
            s[shuffleId] = outs
        }
    }

    /// Forgets map output `mapIndex` of a shuffle (its files were lost).
    public func unregisterMapOutput(_ shuffleId: Int, mapIndex: Int) {
        shuffles.withLock { s in
            guard var outs = s[shuffleId], mapIndex >= 0, mapIndex < outs.count else { return }
            outs[mapIndex] = nil
            s[shuffleId] = outs
        }
    }

    /// Forgets every output stored on `executorId`.
    public func removeOutputsOnExecutor(_ executorId: String) {
        shuffles.withLock { s in
            for (id, outs) in s {
                s[id] = outs.map { $0?.location.executorId == executorId ? nil : $0 }
            }
        }
    }

    /// Forgets a shuffle.
    public func unregisterShuffle(_ shuffleId: Int) { _ = shuffles.withLock { $0.removeValue(forKey: shuffleId) } }

    /// Number of map outputs present for a shuffle.
    public func availableOutputs(_ shuffleId: Int) -> Int {
        shuffles.withLock { $0[shuffleId]?.reduce(0) { $0 + ($1 == nil ? 0 : 1) } ?? 0 }
    }

    /// The registered outputs of shuffle `shuffleId`; throws when it is not registered.
    public func getStatuses(shuffleId: Int, reduceId: Int) throws(MetadataFetchFailedError) -> [MapStatus?] {
        guard let outs = statuses(shuffleId) else {
            throw MetadataFetchFailedError(shuffleId: shuffleId, reduceId: reduceId, message: "shuffle not registered")
        }
        return outs
    }
}

extension MapOutputTrackerMaster {
    /// Forgets every map output of a shuffle, keeping the shuffle registered.
    public func clearMapOutputs(_ shuffleId: Int) {
        shuffles.withLock { s in
            if let outs = s[shuffleId] { s[shuffleId] = Array(repeating: nil, count: outs.count) }
        }
    }
}
