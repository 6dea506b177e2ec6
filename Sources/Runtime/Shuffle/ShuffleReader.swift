import Runtime
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
