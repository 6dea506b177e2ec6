import Runtime
import Scheduler
import Storage
import Synchronization

/// An empty parameter list.
public struct NoParams: Codable, Sendable {
    /// The empty parameter list.
    @inlinable public init() {}
}
