import Runtime
import Scheduler
import Storage

/// A partition's reservoir sample of keys and how many keys it had.
public struct KeySample<T: Codable>: Codable {
    /// The sampled keys.
    public var keys: [T]
    /// How many keys the partition had, to weight its sample.
    public var seen: Int
    /// One partition's sample.
    @inlinable
    public init(keys: [T], seen: Int) {
        self.keys = keys
        self.seen = seen
    }
}
