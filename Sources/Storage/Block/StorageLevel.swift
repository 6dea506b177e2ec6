/// Where and how a persisted block is kept, as Spark's `StorageLevel`: on disk, in
/// memory, deserialized (live values) or serialized (bytes), and on how many nodes.
///
/// A level that uses neither memory nor disk is ``NONE``. A level may be built with any
/// `replication` (it is a value a job constructs); `RDD.persist` refuses one outside
/// `1...maxReplication` with an error, so no block is stored at such a level.
public struct StorageLevel: Hashable, Sendable, CustomStringConvertible {
    /// The block may be written to local disk (on eviction from memory, or directly).
    public let useDisk: Bool
    /// The block may be kept in memory.
    public let useMemory: Bool
    /// In memory, the block is kept as live values rather than serialized bytes.
    public let deserialized: Bool
    /// On how many block managers the block is kept (1 = no replica).
    public let replication: Int

    /// Most copies a block may have: the cluster wire form refuses more.
    public static let maxReplication = 64

    /// A level; a block can be stored at it only when `replication` is in `1...maxReplication`
    /// (``isValid`` also requires memory or disk).
    public init(useDisk: Bool, useMemory: Bool, deserialized: Bool, replication: Int = 1) {
        self.useDisk = useDisk
        self.useMemory = useMemory
        self.deserialized = deserialized
        self.replication = replication
    }

    /// Whether the level keeps the block anywhere.
    public var isValid: Bool { (useMemory || useDisk) && (1...Self.maxReplication).contains(replication) }

    /// Not persisted.
    public static let NONE = StorageLevel(useDisk: false, useMemory: false, deserialized: false)
    /// Serialized, on disk only.
    public static let DISK_ONLY = StorageLevel(useDisk: true, useMemory: false, deserialized: false)
    /// ``DISK_ONLY`` on two nodes.
    public static let DISK_ONLY_2 = StorageLevel(useDisk: true, useMemory: false, deserialized: false, replication: 2)
    /// Live values in memory; partitions that do not fit are recomputed when needed.
    public static let MEMORY_ONLY = StorageLevel(useDisk: false, useMemory: true, deserialized: true)
    /// ``MEMORY_ONLY`` on two nodes.
    public static let MEMORY_ONLY_2 = StorageLevel(useDisk: false, useMemory: true, deserialized: true, replication: 2)
    /// Serialized bytes in memory; partitions that do not fit are recomputed.
    public static let MEMORY_ONLY_SER = StorageLevel(useDisk: false, useMemory: true, deserialized: false)
    /// ``MEMORY_ONLY_SER`` on two nodes.
    public static let MEMORY_ONLY_SER_2 = StorageLevel(useDisk: false, useMemory: true, deserialized: false, replication: 2)
    /// Live values in memory; what does not fit, or is evicted, goes to disk.
    public static let MEMORY_AND_DISK = StorageLevel(useDisk: true, useMemory: true, deserialized: true)
    /// ``MEMORY_AND_DISK`` on two nodes.
    public static let MEMORY_AND_DISK_2 = StorageLevel(useDisk: true, useMemory: true, deserialized: true, replication: 2)
    /// Serialized bytes in memory; what does not fit, or is evicted, goes to disk.
    public static let MEMORY_AND_DISK_SER = StorageLevel(useDisk: true, useMemory: true, deserialized: false)
    /// ``MEMORY_AND_DISK_SER`` on two nodes.
    public static let MEMORY_AND_DISK_SER_2 = StorageLevel(useDisk: true, useMemory: true, deserialized: false, replication: 2)

    /// As Spark prints it: `StorageLevel(disk, memory, deserialized, 1 replicas)`.
    public var description: String {
        var parts: [String] = []
        if useDisk { parts.append("disk") }
        if useMemory { parts.append("memory") }
        if deserialized { parts.append("deserialized") }
        parts.append("\(replication) replicas")
        return "StorageLevel(\(parts.joined(separator: ", ")))"
    }

    /// The constant's name (`MEMORY_AND_DISK_SER_2`), or nil for a custom level.
    public var name: String? {
        for (n, l) in Self.named where l == self { return n }
        return nil
    }

    /// Every named level, by the name Spark gives it.
    public static let named: [(String, StorageLevel)] = [
        ("NONE", NONE), ("DISK_ONLY", DISK_ONLY), ("DISK_ONLY_2", DISK_ONLY_2),
        ("MEMORY_ONLY", MEMORY_ONLY), ("MEMORY_ONLY_2", MEMORY_ONLY_2),
        ("MEMORY_ONLY_SER", MEMORY_ONLY_SER), ("MEMORY_ONLY_SER_2", MEMORY_ONLY_SER_2),
        ("MEMORY_AND_DISK", MEMORY_AND_DISK), ("MEMORY_AND_DISK_2", MEMORY_AND_DISK_2),
        ("MEMORY_AND_DISK_SER", MEMORY_AND_DISK_SER), ("MEMORY_AND_DISK_SER_2", MEMORY_AND_DISK_SER_2),
    ]

    /// The level named `name` (as Spark's `StorageLevel.fromString`), or nil.
    public static func fromString(_ name: String) -> StorageLevel? {
        named.first { $0.0 == name }?.1
    }
}
