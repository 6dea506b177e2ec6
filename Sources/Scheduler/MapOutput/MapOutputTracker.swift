import Storage

/// Where each map task's shuffle output lives, as Spark's MapOutputTracker: what a reducer
/// (Runtime's `BlockStoreShuffleReader`) asks before it fetches. Two kinds, as in Spark:
/// ``MapOutputTrackerMaster`` on the driver registers the outputs as map tasks finish and
/// answers the executors; ``MapOutputTrackerWorker`` in an executor process asks the driver's.
/// In local mode the driver's master is also the executor's tracker.
public protocol MapOutputTracker: AnyObject, Sendable {
    /// Every map output of shuffle `shuffleId` (nil entries: missing), for reduce partition
    /// `reduceId`; throws when the shuffle is unknown here or its outputs cannot be had.
    func getStatuses(shuffleId: Int, reduceId: Int) throws(MetadataFetchFailedError) -> [MapStatus?]
}

extension MapOutputTracker {
    /// For reduce partition `reduceId`: each map output's location, map index and segment size,
    /// skipping empty segments, as Spark's getMapSizesByExecutorId. Throws if any map output is missing.
    public func mapSizes(shuffleId: Int, reduceId: Int) throws(MetadataFetchFailedError)
        -> [(location: BlockManagerId, mapIndex: Int, mapId: Int64, size: Int64)]
    {
        let outs = try getStatuses(shuffleId: shuffleId, reduceId: reduceId)
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
