import Synchronization

/// The name a user gave an RDD with ``RDD/setName(_:)``: the one mutable part of an RDD.
final class RDDName: Sendable {
    private let value = Mutex<String?>(nil)
    init() {}
    var name: String? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

extension RDD {
    /// The name given with ``setName(_:)``, if any; shown before the RDD in ``debugName`` and
    /// ``toDebugString()``.
    ///
    /// Mirrors Spark's `RDD.name`.
    public var name: String? { nameState.name }

    /// Names this RDD, for logs and lineage printing; returns the RDD itself.
    ///
    /// Mirrors Spark's `RDD.setName`. The name stays on the driver.
    @discardableResult
    public func setName(_ name: String) -> RDD<T> {
        nameState.name = name
        return self
    }
}
