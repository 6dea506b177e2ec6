import Runtime
import Scheduler
import Storage
import Synchronization

/// Something an operator call makes and records itself on.
public protocol HasOrigin: AnyObject {
    /// Where the operator call that made it is recorded.
    var origin: OriginBox { get }
}
