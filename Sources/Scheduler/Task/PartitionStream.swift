/// A partition's records, pulled a chunk at a time or pushed one at a time.
///
/// Pulling (``next()``) hands out arrays of records, so the per-chunk overhead (a closure
/// call, an interruption check) is amortized. Pushing (``forEachRecord(_:)``) lets narrow
/// operators (`map`, `flatMap`, `filter`, …) fuse: each record flows from the source's
/// chunk through every operator into the consumer (a hash map, a counter) with no
/// intermediate arrays. Both consume the same records: pushing feeds what pulling has
/// not taken yet.
///
/// Used by one task thread only.
public struct PartitionStream<T> {
    /// Pushes the remaining records to a consumer, when the source can.
    /// The chunk source: nil ends the stream.
    @usableFromInline package let nextChunk: () throws -> [T]?
    @usableFromInline package let pushRest: (((T) throws -> Void) throws -> Void)?

    /// A stream whose chunks come from `next`; nil ends the stream. Empty chunks are allowed.
    @inlinable
    public init(_ next: @escaping () throws -> [T]?) {
        nextChunk = next
        pushRest = nil
    }

    /// A stream that can also push its remaining records to a consumer without building chunks.
    @inlinable
    public init(next: @escaping () throws -> [T]?, push: @escaping ((T) throws -> Void) throws -> Void) {
        nextChunk = next
        pushRest = push
    }

    /// Feeds every remaining record to `body`, in order.
    @inlinable
    public func forEachRecord(_ body: (T) throws -> Void) throws {
        if let push = pushRest {
            try push(body)
        } else {
            while let chunk = try nextChunk() {
                for x in chunk { try body(x) }
            }
        }
    }

    /// The next chunk, or nil at the end.
    @inlinable
    public func next() throws -> [T]? { try nextChunk() }

    /// A stream with no records.
    @inlinable
    public static var empty: PartitionStream<T> { PartitionStream { nil } }

    /// A stream over `array`, in chunks of `chunkSize` (a size below 1 counts as 1).
    @inlinable
    public static func of(_ array: [T], chunkSize: Int = 4096) -> PartitionStream<T> {
        let chunkSize = Swift.max(1, chunkSize)
        if array.count <= chunkSize {
            var done = false
            return PartitionStream {
                if done { return nil }
                done = true
                return array
            }
        }
        var start = 0
        return PartitionStream {
            guard start < array.count else { return nil }
            let end = min(start + chunkSize, array.count)
            defer { start = end }
            return Array(array[start..<end])
        }
    }

    /// Calls `body` with each chunk in order.
    @inlinable
    public func forEachChunk(_ body: ([T]) throws -> Void) throws {
        while let c = try nextChunk() { try body(c) }
    }

    /// All records in one array.
    @inlinable
    public func collectAll() throws -> [T] {
        guard var all = try nextChunk() else { return [] }
        while let c = try nextChunk() { all.append(contentsOf: c) }
        return all
    }

    /// Chunks `sequence`'s elements into a stream of chunks of about `chunkSize` records (a size
    /// below 1 counts as 1).
    @inlinable
    public static func chunking<S: Sequence>(_ sequence: S, chunkSize: Int = 4096) -> PartitionStream<T>
    where S.Element == T {
        let chunkSize = Swift.max(1, chunkSize)
        var it = sequence.makeIterator()
        var finished = false
        return PartitionStream {
            if finished { return nil }
            var chunk: [T] = []
            chunk.reserveCapacity(chunkSize)
            while chunk.count < chunkSize {
                guard let x = it.next() else {
                    finished = true
                    break
                }
                chunk.append(x)
            }
            return chunk.isEmpty && finished ? nil : chunk
        }
    }
}

/// A partition's records one at a time, for functions that take an iterator
/// (`mapPartitions`, `foreachPartition`). An error from upstream ends the iteration;
/// the engine rethrows it when the function returns.
///
/// A function that stops early leaves the rest of the partition unread.
public final class PartitionIterator<T>: IteratorProtocol, Sequence {
    /// True once the stream ended or failed.
    /// The next record's index in ``chunk``.
    /// The current chunk.
    /// The stream it reads.
    @usableFromInline package let stream: PartitionStream<T>
    @usableFromInline package var chunk: [T] = []
    @usableFromInline package var index = 0
    @usableFromInline package var finished = false
    /// The error that ended the stream early, if any.
    public private(set) var error: (any Error)?

    /// An iterator over `stream`'s records.
    @inlinable
    package init(_ stream: PartitionStream<T>) { self.stream = stream }

    /// The next record, or nil at the end of the partition or after an upstream error
    /// (see ``error`` and ``rethrowIfFailed()``).
    @inlinable
    public func next() -> T? {
        while index >= chunk.count {
            if finished { return nil }
            do {
                guard let c = try stream.next() else {
                    finished = true
                    return nil
                }
                chunk = c
                index = 0
            } catch {
                setError(error)
                return nil
            }
        }
        defer { index += 1 }
        return chunk[index]
    }

    /// Ends the iteration with `e`.
    @usableFromInline
    package func setError(_ e: any Error) {
        error = e
        finished = true
        chunk = []
    }

    /// Rethrows the upstream error, if the stream ended because of one.
    @inlinable
    public func rethrowIfFailed() throws {
        if let error { throw error }
    }
}
