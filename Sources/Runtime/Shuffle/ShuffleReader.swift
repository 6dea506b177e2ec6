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
    /// The shuffle whose map outputs are read.
    @usableFromInline package let shuffleId: Int
    /// The reduce partition read: the segment taken from every map output.
    @usableFromInline package let reduceId: Int
    /// The reading task: its environment locates and fetches the segments, its interruption stops
    /// the read, and its metrics count the shuffle bytes read.
    @usableFromInline package let context: TaskContext
    /// The map index of the segment last returned by ``next()``, for fetch failures while decoding it.
    @usableFromInline package var currentMapIndex = -1
    /// The segments' stored bytes, in map order.
    let fetcher: ShuffleBlockFetcherIterator

    /// Looks up where the map outputs are and starts fetching; throws ``MetadataFetchFailedError`` when
    /// the outputs are unknown and ``FetchFailedError`` when the fetch cannot start.
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
