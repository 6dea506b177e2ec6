import Runtime
import Scheduler
import Storage
import Synchronization
import Threads

/// An RDD's storage level, and how its records are serialized when the level needs it.
final class PersistState<T>: @unchecked Sendable {
    // Unchecked: `level` and `serializer` are only touched under `lock`.
    private let lock = Mutex(())
    private var level = StorageLevel.NONE
    private var serializer: BlockSerializer<T>?

    init() {}

    /// The level and serializer when persisted; nil when not.
    var active: (level: StorageLevel, serializer: BlockSerializer<T>?)? {
        lock.withLock { _ in level == .NONE ? nil : (level, serializer) }
    }

    var current: StorageLevel { lock.withLock { _ in level } }

    func set(_ newLevel: StorageLevel, serializer newSerializer: BlockSerializer<T>?, rdd: String) throws(EngineError) {
        let error: String? = lock.withLock { _ in
            if !(1...StorageLevel.maxReplication).contains(newLevel.replication) {
                return "cannot persist \(rdd) with replication \(newLevel.replication): a StorageLevel keeps from 1 "
                    + "to \(StorageLevel.maxReplication) copies of each block; use 1 (or a level such as MEMORY_AND_DISK_2 for 2)"
            }
            if level != .NONE && level != newLevel {
                return "cannot change the storage level of \(rdd) from \(level) to \(newLevel) after it was "
                    + "assigned one; unpersist() it first"
            }
            if (newLevel.useDisk || !newLevel.deserialized) && newSerializer == nil {
                return "\(rdd) cannot be persisted at \(newLevel): its records (\(T.self)) are neither Codable nor "
                    + "tuples, optionals or arrays of Codable parts; use MEMORY_ONLY, or make their parts Codable"
            }
            level = newLevel
            serializer = newSerializer
            return nil
        }
        if let error { throw .invalidArgument(error) }
    }

    func clear() { lock.withLock { _ in level = .NONE } }
}
