/// A shuffle input that cannot be found: the parent stage must run again. Spark's
/// MetadataFetchFailedException, thrown by the MapOutputTracker before any block is fetched.
public struct MetadataFetchFailedError: Error, CustomStringConvertible, Sendable {
    /// The shuffle whose map output locations could not be had.
    public let shuffleId: Int
    /// The reduce partition whose read asked for them.
    public let reduceId: Int
    /// What went wrong: the shuffle is not registered, a map has no output (or none for this
    /// partition), or the driver could not be asked.
    public let message: String
    /// The map output found missing, when one is (nil: the shuffle's outputs are unknown).
    public var mapIndex: Int? = nil
    /// The shuffle, the reduce partition and ``message``, for the task's failure report.
    public var description: String { "missing output of shuffle \(shuffleId) for reduce partition \(reduceId): \(message)" }
}
