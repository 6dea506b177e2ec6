/// What ``BlockManager/putValues(_:level:task:chunks:estimate:serializer:)`` did with a partition.
public enum BlockPutResult<T> {
    /// Cached in memory (estimated or exact size).
    case inMemory(size: Int64)
    /// Written to disk (did not fit in memory, or the level is disk only); read it back with `getValues`.
    case onDisk(size: Int64)
    /// Not cached: the values are handed back, once, to iterate without caching.
    case notStored(PartiallyUnrolled<T>)
    /// Another task stored the block first; read it with `getValues`.
    case alreadyStored
}
