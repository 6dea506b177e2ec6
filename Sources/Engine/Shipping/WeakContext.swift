import Logging
import Runtime
import Scheduler
import Storage
import Synchronization

/// A weak reference to the driver's context (the context owns the codec).
final class WeakContext: Sendable {
    private struct Ref: @unchecked Sendable { weak var context: EngineContext? }
    private let ref: Mutex<Ref>
    init(_ context: EngineContext) { ref = Mutex(Ref(context: context)) }
    var context: EngineContext? { ref.withLock { $0.context } }
}
