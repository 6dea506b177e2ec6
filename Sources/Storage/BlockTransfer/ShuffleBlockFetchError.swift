import Foundation
import Threads

/// A map output's segment that could not be read or fetched: the reducer reports it as a fetch
/// failure of that map output, so the scheduler recomputes it.
public struct ShuffleBlockFetchError: Error, CustomStringConvertible, Sendable {
    /// The segment that failed.
    public let segment: ShuffleSegmentRef
    /// What went wrong.
    public let message: String

    /// A failure of `segment`.
    public init(segment: ShuffleSegmentRef, message: String) {
        self.segment = segment
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
