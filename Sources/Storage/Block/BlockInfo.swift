/// What the BlockInfoManager knows of one block: its level, its size, and who holds its lock.
///
/// Invariant: a block has a writer or readers, never both; `readerCount >= 0`.
public struct BlockInfo: Sendable, Equatable {
    /// How the block is meant to be stored.
    public var level: StorageLevel
    /// Whether puts and removals of the block are reported to the BlockManagerMaster.
    public var tellMaster: Bool
    /// Bytes the block occupies (in memory, or on disk when only there); 0 while being written.
    public var size: Int64
    /// Number of read locks held, all tasks together.
    public var readerCount: Int
    /// The task holding the write lock, if any.
    public var writerTask: Int64?

    /// A block's record, unlocked.
    public init(level: StorageLevel, tellMaster: Bool = true, size: Int64 = 0) {
        self.level = level
        self.tellMaster = tellMaster
        self.size = size
        readerCount = 0
        writerTask = nil
    }
}
