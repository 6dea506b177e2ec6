/// A shuffle input that cannot be found: the parent stage must run again.
public struct MetadataFetchFailedError: Error, CustomStringConvertible, Sendable {
    public let shuffleId: Int
    public let reduceId: Int
    public let message: String
    /// The map output found missing, when one is (nil: the shuffle's outputs are unknown).
    public var mapIndex: Int? = nil
    public var description: String { "missing output of shuffle \(shuffleId) for reduce partition \(reduceId): \(message)" }
}
