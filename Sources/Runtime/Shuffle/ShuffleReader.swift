import Scheduler
import Storage

/// Reads reduce partition `reduceId` of a shuffle: asks the MapOutputTracker where each
/// map output is, reads the segments this executor holds straight from its disk and fetches
/// the others from their executors (at most `engine.reducer.maxSizeInFlight` bytes at once,
/// in the background while local segments are read), decompresses each and hands back the
/// raw records, one map output at a time, in map order wherever the outputs are: so a
/// reducer's output is the same in every mode. A segment that cannot be read or fetched
/// is a fetch failure, so the scheduler recomputes that map output.
@usableFromInline
package struct ShuffleSegments {
    @usableFromInline package let shuffleId: Int
    @usableFromInline package let reduceId: Int
    @usableFromInline package let context: TaskContext
    /// The map index of the segment last returned by ``next()``, for fetch failures while decoding it.
    @usableFromInline package var currentMapIndex = -1
    /// Segments not yet read, in reverse map order.
    var order: [ShuffleSegmentRef]
    /// Segments held elsewhere, fetched in the background.
    let remote: RemoteSegmentFetcher?

    @usableFromInline
    package init(shuffleId: Int, reduceId: Int, context: TaskContext) throws {
        self.shuffleId = shuffleId
        self.reduceId = reduceId
        self.context = context
        let env = context.env
        let all = try env.mapOutputTracker.mapSizes(shuffleId: shuffleId, reduceId: reduceId).map {
            ShuffleSegmentRef(location: $0.location, mapIndex: $0.mapIndex, mapId: $0.mapId, size: $0.size)
        }
        order = all.reversed()
        let others = all.filter { $0.location.executorId != env.executorId }
        if others.isEmpty {
            remote = nil
        } else if let client = env.blockTransfer {
            remote = RemoteSegmentFetcher(shuffleId: shuffleId, reduceId: reduceId, segments: others, client: client,
                                          maxBytesInFlight: env.maxBytesInFlight)
        } else {
            let where_ = others[0].location
            throw FetchFailedError(shuffleId: shuffleId, mapIndex: others[0].mapIndex, reduceId: reduceId,
                                   message: "map output is on \(where_), and this executor cannot fetch remote blocks")
        }
        remote?.issue()
    }

    /// The next map output's records, or nil when all were read.
    @usableFromInline
    package mutating func next() throws -> ByteReader? {
        try context.checkInterrupted()
        let env = context.env
        guard let seg = order.popLast() else { return nil }
        currentMapIndex = seg.mapIndex
        remote?.issue()
        if seg.location.executorId == env.executorId {
            do {
                let segment = try env.blockManager.getShuffleSegment(shuffleId: shuffleId, mapId: Int(seg.mapId),
                                                                     reduceId: reduceId)
                return try decode(segment, seg)
            } catch let e as FetchFailedError {
                throw e
            } catch {
                throw FetchFailedError(shuffleId: shuffleId, mapIndex: seg.mapIndex, reduceId: reduceId, message: "\(error)")
            }
        }
        guard let remote else { return nil }
        switch try remote.take(seg, context) {
        case .success(let bytes):
            return try decode(bytes, seg)
        case .failure(let error):
            throw FetchFailedError(shuffleId: shuffleId, mapIndex: seg.mapIndex, reduceId: reduceId,
                                   message: "fetching from \(seg.location) failed: \(error)")
        }
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
