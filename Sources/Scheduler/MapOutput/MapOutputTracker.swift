import Storage
import Synchronization

/// A shuffle input that cannot be found: the parent stage must run again.
public struct MetadataFetchFailedError: Error, CustomStringConvertible, Sendable {
    /// The shuffle.
    public let shuffleId: Int
    /// The reduce partition that asked.
    public let reduceId: Int
    /// What is missing.
    public let message: String
    /// The map output found missing, when one is (nil: the shuffle's outputs are unknown).
    public var mapIndex: Int? = nil
    /// `missing output of shuffle S for reduce partition R: MESSAGE`.
    public var description: String { "missing output of shuffle \(shuffleId) for reduce partition \(reduceId): \(message)" }
}

/// Tracks where each map task's shuffle output lives, as Spark's MapOutputTracker.
/// The driver registers outputs when map tasks finish; reducers ask where to fetch.
/// In local mode driver and executor share one instance; over the network the
/// executors' copies ask the driver's.
public final class MapOutputTracker: Sendable {
    fileprivate let shuffles = Mutex<[Int: [MapStatus?]]>([:])
    /// On an executor: asks the driver's tracker for a shuffle's statuses (nil: not registered there).
    private let remote: (@Sendable (Int) throws -> [MapStatus?]?)?

    /// The driver's tracker (or local mode's only one).
    public init() { remote = nil }

    /// An executor's tracker: it holds nothing itself and asks `remote` (the driver) each time
    /// a reducer needs a shuffle's statuses, so outputs recomputed after a failure are always seen.
    public init(remote: @escaping @Sendable (Int) throws -> [MapStatus?]?) { self.remote = remote }

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

    /// For reduce partition `reduceId`: each map output's location, map index and segment size,
    /// skipping empty segments. Throws if any map output is missing.
    public func mapSizes(shuffleId: Int, reduceId: Int) throws(MetadataFetchFailedError)
        -> [(location: BlockManagerId, mapIndex: Int, mapId: Int64, size: Int64)]
    {
        var outs = shuffles.withLock { $0[shuffleId] }
        if outs == nil, let remote {
            do {
                outs = try remote(shuffleId)
            } catch {
                throw MetadataFetchFailedError(shuffleId: shuffleId, reduceId: reduceId,
                                               message: "cannot get the map output locations from the driver: \(error)")
            }
        }
        guard let outs else {
            throw MetadataFetchFailedError(shuffleId: shuffleId, reduceId: reduceId, message: "shuffle not registered")
        }
        var result: [(location: BlockManagerId, mapIndex: Int, mapId: Int64, size: Int64)] = []
        for (i, st) in outs.enumerated() {
            guard let st else {
                throw MetadataFetchFailedError(shuffleId: shuffleId, reduceId: reduceId, message: "no output for map \(i)",
                                               mapIndex: i)
            }
            guard reduceId < st.sizes.count else {
                throw MetadataFetchFailedError(shuffleId: shuffleId, reduceId: reduceId, message: "map \(i) has \(st.sizes.count) partitions")
            }
            if st.sizes[reduceId] > 0 { result.append((st.location, i, st.mapId, st.sizes[reduceId])) }
        }
        return result
    }
}

extension MapOutputTracker {
    /// Forgets every map output of a shuffle, keeping the shuffle registered.
    public func clearMapOutputs(_ shuffleId: Int) {
        shuffles.withLock { s in
            if let outs = s[shuffleId] { s[shuffleId] = Array(repeating: nil, count: outs.count) }
        }
    }
}
