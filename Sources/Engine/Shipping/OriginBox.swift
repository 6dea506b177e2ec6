import Runtime
import Scheduler
import Storage
import Synchronization

/// The operator call that made an RDD or job function, once recorded.
public final class OriginBox: Sendable {
    private let call = Mutex<OperatorCall?>(nil)
    /// An empty box: nothing recorded yet.
    public init() {}
    var value: OperatorCall? {
        get { call.withLock { $0 } }
        set { call.withLock { $0 = newValue } }
    }
}
