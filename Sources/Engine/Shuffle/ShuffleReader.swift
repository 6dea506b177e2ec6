import Scheduler
import Storage

/// Reads reduce partition `reduceId` of a shuffle: asks the MapOutputTracker where each
/// map output is, reads each non-empty segment through the BlockManager, decompresses
/// it and hands back the raw records, one map output at a time. A segment that cannot
/// be read is a fetch failure, so the scheduler recomputes that map output.
@usableFromInline
struct ShuffleSegments {
    @usableFromInline let shuffleId: Int
    @usableFromInline let reduceId: Int
    @usableFromInline let context: TaskContext
    /// The map index of the segment last returned by ``next()``, for fetch failures while decoding it.
    @usableFromInline var currentMapIndex = -1
    @usableFromInline var pending: [(location: BlockManagerId, mapIndex: Int, mapId: Int64, size: Int64)]

    @usableFromInline
    init(shuffleId: Int, reduceId: Int, context: TaskContext) throws {
        self.shuffleId = shuffleId
        self.reduceId = reduceId
        self.context = context
        pending = try context.env.mapOutputTracker.mapSizes(shuffleId: shuffleId, reduceId: reduceId).reversed()
    }

    /// The next map output's records, or nil when all were read.
    @usableFromInline
    mutating func next() throws -> ByteReader? {
        guard let (_, mapIndex, mapId, size) = pending.popLast() else { return nil }
        currentMapIndex = mapIndex
        try context.checkInterrupted()
        let env = context.env
        do {
            let segment = try env.blockManager.getShuffleSegment(shuffleId: shuffleId, mapId: Int(mapId), reduceId: reduceId)
            guard segment.count == size else {
                throw StorageError.corrupt("segment is \(segment.count) bytes, the map output said \(size)")
            }
            let raw = try ShuffleSegmentCodec.decode(segment, compressed: env.shuffleCompress)
            context.updateMetrics { $0.shuffleBytesRead += size }
            return ByteReader(raw)
        } catch {
            throw FetchFailedError(shuffleId: shuffleId, mapIndex: mapIndex, reduceId: reduceId, message: "\(error)")
        }
    }
}

/// Builds reduce-side streams; `@inlinable` so they specialize in the caller's module.
@usableFromInline
enum ShuffleReaders {
    /// Merges combiners (or values, without map-side combine) by key in a spillable map, then streams it.
    @inlinable
    static func aggregating<K: Hashable, V, C>(
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
    static func plain<K, V>(shuffleId: Int, reduceId: Int, context: TaskContext, key: ElementCodec<K>,
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
    static func streamDictionary<K: Hashable, C>(_ map: [K: C]) -> PartitionStream<(K, C)> {
        var it = map.makeIterator()
        return PartitionStream {
            var out: [(K, C)] = []
            out.reserveCapacity(Swift.min(4096, map.count))
            while out.count < 4096, let (k, c) = it.next() { out.append((k, c)) }
            return out.isEmpty ? nil : out
        }
    }
}
