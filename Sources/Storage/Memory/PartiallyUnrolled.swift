/// A partition that did not fit in memory while being cached, as Spark's
/// `PartiallyUnrolledIterator`: the chunks unrolled so far plus the rest of the source,
/// so the caller can still iterate every value once without caching it.
///
/// Holds the unroll memory reserved for the unrolled chunks until they have been
/// handed out (or ``release()`` is called, or it is deinitialized).
public final class PartiallyUnrolled<T> {
    private var unrolled: [[T]]
    private var position = 0
    private let rest: () throws -> [T]?
    private var releaseMemory: (() -> Void)?

    /// The memory reserved for the unrolled chunks, released by the caller of `release`.
    init(unrolled: [[T]], rest: @escaping () throws -> [T]?, releaseMemory: @escaping () -> Void) {
        self.unrolled = unrolled
        self.rest = rest
        self.releaseMemory = releaseMemory
    }

    /// Chunks unrolled before memory ran out and not yet handed out.
    public var unrolledChunkCount: Int { unrolled.count - position }

    /// The next chunk: unrolled ones first, then the rest of the source; nil at the end.
    public func next() throws -> [T]? {
        if position < unrolled.count {
            let c = unrolled[position]
            unrolled[position] = []
            position += 1
            if position == unrolled.count { release() }
            return c
        }
        release()
        return try rest()
    }

    /// Every remaining value, in order (materializes them: for tests and small partitions).
    public func collectAll() throws -> [T] {
        var out: [T] = []
        while let c = try next() { out.append(contentsOf: c) }
        return out
    }

    /// Returns the unroll memory now (the unrolled chunks stay readable).
    public func release() {
        releaseMemory?()
        releaseMemory = nil
    }

    deinit { releaseMemory?() }
}

/// What ``MemoryStore/putValues(_:level:task:chunks:estimate:serialize:)`` did.
public enum MemoryPutResult<T> {
    /// Stored in memory; the block's estimated (or exact, for bytes) size.
    case stored(size: Int64)
    /// Did not fit: every value is still available, once, from here.
    case partial(PartiallyUnrolled<T>)
}
