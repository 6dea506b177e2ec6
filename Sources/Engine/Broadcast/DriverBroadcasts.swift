import Broadcast
import Synchronization

/// The driver's side of its broadcasts: the manager that stores them, which were destroyed
/// and where, and how executors are told to drop copies.
final class DriverBroadcasts: Sendable {
    let manager: BroadcastManager
    private let destroyed = Mutex<[Int: String]>([:])
    private let tellExecutors = Mutex<(@Sendable (Int) -> Void)?>(nil)

    init(manager: BroadcastManager) { self.manager = manager }

    /// Sets how executors in other processes are told to drop a broadcast (cluster mode).
    func setExecutorRemoval(_ tell: @escaping @Sendable (Int) -> Void) { tellExecutors.withLock { $0 = tell } }

    /// The error for a use of broadcast `id` after its destruction, or nil.
    func destroyedMessage(_ id: Int) -> String? {
        destroyed.withLock { $0[id] }.map { "Attempted to use Broadcast(\(id)) after it was destroyed (\($0))" }
    }

    func unpersist(_ id: Int) { tellExecutors.withLock { $0 }?(id) }

    func destroy(_ id: Int, site: String) {
        let first = destroyed.withLock { d -> Bool in
            guard d[id] == nil else { return false }
            d[id] = site
            return true
        }
        guard first else { return }
        manager.unbroadcast(BroadcastHandle(id: id))
    }
}
