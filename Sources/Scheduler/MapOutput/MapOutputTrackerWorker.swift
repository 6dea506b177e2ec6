/// An executor process's ``MapOutputTracker``, as Spark's MapOutputTrackerWorker: it asks the
/// driver's ``MapOutputTrackerMaster`` for a shuffle's statuses.
///
/// Unlike Spark's it keeps no cache: it asks each time a reducer needs a shuffle's statuses, so
/// outputs recomputed after a failure are always seen (Spark invalidates its cache by an epoch
/// that tasks carry; tasks here carry none).
public final class MapOutputTrackerWorker: MapOutputTracker {
    /// Asks the driver's tracker for a shuffle's statuses (nil: not registered there).
    private let askDriver: @Sendable (Int) throws -> [MapStatus?]?

    /// A tracker that asks `askDriver` (the driver) for every lookup.
    public init(askDriver: @escaping @Sendable (Int) throws -> [MapStatus?]?) { self.askDriver = askDriver }

    /// The driver's answer for shuffle `shuffleId`; a failed ask or an unknown shuffle throws.
    public func getStatuses(shuffleId: Int, reduceId: Int) throws(MetadataFetchFailedError) -> [MapStatus?] {
        let outs: [MapStatus?]?
        do {
            outs = try askDriver(shuffleId)
        } catch {
            throw MetadataFetchFailedError(shuffleId: shuffleId, reduceId: reduceId,
                                           message: "cannot get the map output locations from the driver: \(error)")
        }
        guard let outs else {
            throw MetadataFetchFailedError(shuffleId: shuffleId, reduceId: reduceId, message: "shuffle not registered")
        }
        return outs
    }
}
