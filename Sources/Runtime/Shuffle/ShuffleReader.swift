import Scheduler
import Storage

/// Reads reduce partition `reduceId` of a shuffle: asks the MapOutputTracker where each
/// map output is and reads the segments through a ``ShuffleBlockFetcherIterator`` (local ones
/// from this executor's disk, the others fetched from their executors, at most
/// `engine.reducer.maxSizeInFlight` bytes at once, in the background while local segments are
/// read), decompresses each and hands back the raw records, one map output at a time, in map
/// order wherever the outputs are: so a reducer's output is the same in every mode. A segment
/// that cannot be read or fetched is a fetch failure, so the scheduler recomputes that map output.
@usableFromInline
package struct ShuffleSegments {
    @usableFromInline package let shuffleId: Int
    @usableFromInline package let reduceId: Int
    @usableFromInline package let context: TaskContext
    /// The map index of the segment last returned by ``next()``, for fetch failures while decoding it.
    @usableFromInline package var currentMapIndex = -1
    /// The segments' stored bytes, in map order.
    let fetcher: ShuffleBlockFetcherIterator

    @usableFromInline
    package init(shuffleId: Int, reduceId: Int, context: TaskContext) throws {
        self.shuffleId = shuffleId
        self.reduceId = reduceId
        self.context = context
        let env = context.env
        let all = try env.mapOutputTracker.mapSizes(shuffleId: shuffleId, reduceId: reduceId).map {
            ShuffleSegmentRef(location: $0.location, mapIndex: $0.mapIndex, mapId: $0.mapId, size: $0.size)
        }
        do {
            fetcher = try ShuffleBlockFetcherIterator(shuffleId: shuffleId, reduceId: reduceId, segments: all,
                                                      blockManager: env.blockManager,
                                                      maxBytesInFlight: env.maxBytesInFlight,
                                                      checkInterrupted: { try context.checkInterrupted() })
        } catch {
            throw FetchFailedError(shuffleId: shuffleId, mapIndex: error.segment.mapIndex, reduceId: reduceId,
                                   message: error.message)
        }
    }

    /// The next map output's records, or nil when all were read.
    @usableFromInline
    package mutating func next() throws -> ByteReader? {
        try context.checkInterrupted()
        let fetched: (segment: ShuffleSegmentRef, bytes: [UInt8])?
        do {
            fetched = try fetcher.next()
        } catch let error as ShuffleBlockFetchError {
            currentMapIndex = error.segment.mapIndex
            throw FetchFailedError(shuffleId: shuffleId, mapIndex: error.segment.mapIndex, reduceId: reduceId,
                                   message: error.message)
        }
        guard let (seg, bytes) = fetched else { return nil }
        currentMapIndex = seg.mapIndex
        return try decode(bytes, seg)
    }

    private func decode(_ segment: [UInt8], _ seg: ShuffleSegmentRef) throws -> ByteReader {
        do {
            guard segment.count == seg.size else {
                throw StorageError.corrupt("segment is \(segment.count) bytes, the map output said \(seg.size)")
            }
            let raw = try ShuffleSegmentCodec.decode(segment, compressed: context.env.shuffleCompress)
            context.updateMetrics { $0.shuffleBytesRead += seg.size }
            return ByteReader(raw)
        } catch {
            throw FetchFailedError(shuffleId: shuffleId, mapIndex: seg.mapIndex, reduceId: reduceId, message: "\(error)")
        }
    }
}

/// Builds reduce-side streams; `@inlinable` so they specialize in the caller's module.
@usableFromInline
package enum ShuffleReaders {
    /// Merges combiners (or values, without map-side combine) by key in a spillable map, then streams it.
    @inlinable
    package static func aggregating<K: Hashable, V, C>(
        shuffleId: Int, reduceId: Int, context: TaskContext, aggregator: Aggregator<V, C>, mapSideCombine: Bool,
        key: ElementCodec<K>, value: ElementCodec<V>, combiner: ElementCodec<C>
    ) throws -> PartitionStream<(K, C)> {
        var segments = try ShuffleSegments(shuffleId: shuffleId, reduceId: reduceId, context: context)
        let map = ExternalCombineMap<K, C>(context: context, key: key, combiner: combiner,
                                           mergeCombiners: aggregator.mergeCombiners)
        var records: Int64 = 0
        // Only a record that does not decode is a fetch failure; a spill that fails (full disk) is the task's own error.
        func corrupt(_ e: StorageError) -> FetchFailedError {
            FetchFailedError(shuffleId: shuffleId, mapIndex: segments.currentMapIndex, reduceId: reduceId, message: "\(e)")
        }
        while var reader = try segments.next() {
            while !reader.isAtEnd {
                let k: K
                do { k = try key.read(&reader) } catch let e as StorageError { throw corrupt(e) }
                records += 1
                if mapSideCombine {
                    let c: C
                    do { c = try combiner.read(&reader) } catch let e as StorageError { throw corrupt(e) }
                    try aggregator.combineCombiner(k, c, into: map)
                } else {
                    let v: V
                    do { v = try value.read(&reader) } catch let e as StorageError { throw corrupt(e) }
                    try map.upsert(k, v, create: aggregator.createCombiner, merge: aggregator.mergeValue)
                }
            }
        }
        context.updateMetrics { $0.shuffleRecordsRead += records }
        return try map.stream()
    }

    /// Streams the `(K, V)` records as they were written, map output after map output.
    @inlinable
    package static func plain<K, V>(shuffleId: Int, reduceId: Int, context: TaskContext, key: ElementCodec<K>,
                            value: ElementCodec<V>) throws -> PartitionStream<(K, V)> {
        var segments = try ShuffleSegments(shuffleId: shuffleId, reduceId: reduceId, context: context)
        var current: ByteReader?
        return PartitionStream {
            var out: [(K, V)] = []
            out.reserveCapacity(4096)
            while out.count < 4096 {
                if current == nil || current!.isAtEnd {
                    guard let next = try segments.next() else { break }
                    current = next
                    continue
                }
                do {
                    out.append((try key.read(&current!), try value.read(&current!)))
                } catch let e as StorageError {
                    throw FetchFailedError(shuffleId: shuffleId, mapIndex: segments.currentMapIndex, reduceId: reduceId,
                                           message: "\(e)")
                }
            }
            context.updateMetrics { $0.shuffleRecordsRead += Int64(out.count) }
            return out.isEmpty ? nil : out
        }
    }

    /// A dictionary's entries as a stream of chunks.
    @inlinable
    package static func streamDictionary<K: Hashable, C>(_ map: [K: C]) -> PartitionStream<(K, C)> {
        var it = map.makeIterator()
        return PartitionStream {
            var out: [(K, C)] = []
            out.reserveCapacity(Swift.min(4096, map.count))
            while out.count < 4096, let (k, c) = it.next() { out.append((k, c)) }
            return out.isEmpty ? nil : out
        }
    }
}
