import Foundation
import Threads

/// One map output's segment for a reducer: where it is and how large.
public struct ShuffleSegmentRef: Sendable, Equatable {
    /// The BlockManager holding the map output.
    public let location: BlockManagerId
    /// The map task's partition index: segments are read in this order.
    public let mapIndex: Int
    /// The map output's id (its files' name).
    public let mapId: Int64
    /// The segment's stored size in bytes.
    public let size: Int64

    /// A segment of map output `mapId` (of map partition `mapIndex`) held by `location`.
    public init(location: BlockManagerId, mapIndex: Int, mapId: Int64, size: Int64) {
        self.location = location
        self.mapIndex = mapIndex
        self.mapId = mapId
        self.size = size
    }
}

/// A map output's segment that could not be read or fetched: the reducer reports it as a fetch
/// failure of that map output, so the scheduler recomputes it.
public struct ShuffleBlockFetchError: Error, CustomStringConvertible, Sendable {
    /// The segment that failed.
    public let segment: ShuffleSegmentRef
    /// What went wrong.
    public let message: String

    /// A failure of `segment`.
    public init(segment: ShuffleSegmentRef, message: String) {
        self.segment = segment
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// Hands a reducer the stored bytes of its shuffle segments one map output at a time, in map
/// order wherever the outputs are, as Spark's ShuffleBlockFetcherIterator: a segment this
/// BlockManager holds is read from its disk when its turn comes; the others are fetched through
/// the BlockManager's ``BlockTransferService`` in the background, in map order, with at most
/// `maxBytesInFlight` bytes requested and not yet taken (always at least one segment, however large).
///
/// Used from one task thread; fetched segments arrive on the transport's threads and wait until taken.
public final class ShuffleBlockFetcherIterator {
    /// The shuffle read.
    public let shuffleId: Int
    /// The reduce partition whose segments are read.
    public let reduceId: Int
    private let blockManager: BlockManager
    private let checkInterrupted: () throws -> Void
    /// Segments not yet returned, in reverse map order (next at the end).
    private var order: [ShuffleSegmentRef]
    /// Segments held elsewhere, fetched in the background (nil when all are local).
    private let remote: RemoteSegmentFetches?

    /// Starts fetching the remote ones of `segments` (reducer `reduceId`'s segments of every map
    /// output of shuffle `shuffleId`). `checkInterrupted` throws when the task was killed; it is
    /// called while waiting for a segment. Throws for the first remote segment when
    /// `blockManager` has no transfer service.
    public init(shuffleId: Int, reduceId: Int, segments: [ShuffleSegmentRef], blockManager: BlockManager,
                maxBytesInFlight: Int64, checkInterrupted: @escaping () throws -> Void) throws(ShuffleBlockFetchError) {
        self.shuffleId = shuffleId
        self.reduceId = reduceId
        self.blockManager = blockManager
        self.checkInterrupted = checkInterrupted
        let sorted = segments.sorted { $0.mapIndex < $1.mapIndex }
        order = sorted.reversed()
        let here = blockManager.blockManagerId.executorId
        let others = sorted.filter { $0.location.executorId != here }
        if others.isEmpty {
            remote = nil
        } else if let service = blockManager.blockTransferService {
            remote = RemoteSegmentFetches(shuffleId: shuffleId, reduceId: reduceId, segments: others, service: service,
                                          maxBytesInFlight: max(1, maxBytesInFlight))
        } else {
            throw ShuffleBlockFetchError(segment: others[0], message: "map output is on \(others[0].location), "
                                         + "and this executor cannot fetch remote blocks")
        }
        remote?.issue()
    }

    /// The next map output's segment and its stored bytes, nil after the last. Throws
    /// ``ShuffleBlockFetchError`` for a segment that cannot be read or fetched (it is consumed:
    /// the next call goes on with the following segment), and what `checkInterrupted` throws.
    public func next() throws -> (segment: ShuffleSegmentRef, bytes: [UInt8])? {
        guard let segment = order.popLast() else { return nil }
        remote?.issue()
        guard let remote, segment.location.executorId != blockManager.blockManagerId.executorId else {
            do {
                return (segment, try blockManager.getShuffleSegment(shuffleId: shuffleId, mapId: Int(segment.mapId),
                                                                    reduceId: reduceId))
            } catch {
                throw ShuffleBlockFetchError(segment: segment, message: "\(error)")
            }
        }
        let result = try remote.take(segment, checkInterrupted)
        do {
            guard let bytes = try result.get() else {
                throw BlockFetchError(block: .shuffle(shuffleId: shuffleId, mapId: Int(segment.mapId), reduceId: reduceId),
                                      holder: "\(segment.location)", reason: "it does not hold the block")
            }
            return (segment, bytes)
        } catch {
            throw ShuffleBlockFetchError(segment: segment, message: "fetching from \(segment.location) failed: \(error)")
        }
    }
}

/// The remote half of a ``ShuffleBlockFetcherIterator``: requests are issued from the task
/// thread (``issue()`` and ``take(_:_:)``); answers arrive on the transport's threads and wait
/// here, by map index, until taken.
private final class RemoteSegmentFetches: Sendable {
    private struct Segments {
        /// Not yet requested, in request order (reversed: next at the end).
        var waiting: [ShuffleSegmentRef]
        /// Bytes requested and not yet taken.
        var inFlight: Int64 = 0
        /// Answered and not yet taken, by map index.
        var arrived: [Int: Result<[UInt8]?, any Error>] = [:]
    }

    private let shuffleId: Int
    private let reduceId: Int
    private let service: any BlockTransferService
    private let maxBytesInFlight: Int64
    /// The task thread waits on it for an answer; the transport's threads notify it of each.
    private let segments: ConditionLock<Segments>

    init(shuffleId: Int, reduceId: Int, segments: [ShuffleSegmentRef], service: any BlockTransferService,
         maxBytesInFlight: Int64) {
        self.shuffleId = shuffleId
        self.reduceId = reduceId
        self.service = service
        self.maxBytesInFlight = maxBytesInFlight
        self.segments = ConditionLock(Segments(waiting: segments.sorted { $0.mapIndex < $1.mapIndex }.reversed()))
    }

    /// Requests segments while the bytes in flight stay within the limit.
    func issue() {
        while true {
            let limit = maxBytesInFlight
            let request = segments.withLock { s -> ShuffleSegmentRef? in
                guard let next = s.waiting.last, s.inFlight == 0 || s.inFlight + next.size <= limit else { return nil }
                s.waiting.removeLast()
                s.inFlight += next.size
                return next
            }
            guard let next = request else { return }
            let block = BlockId.shuffle(shuffleId: shuffleId, mapId: Int(next.mapId), reduceId: reduceId)
            service.fetchBlock(block, from: next.location, offset: 0, length: Int(next.size)) { [self] result in
                segments.withLockNotifyingAll { s in s.arrived[next.mapIndex] = result }
            }
        }
    }

    /// Segment `segment` (one of those given at init), waiting for it if needed.
    /// Wakes every 200 ms, and at each answer, to call `checkInterrupted` (a kill of the task).
    func take(_ segment: ShuffleSegmentRef, _ checkInterrupted: () throws -> Void) throws -> Result<[UInt8]?, any Error> {
        while true {
            issue()
            var woken = false
            let result = segments.wait(timeout: 0.2) { s -> Result<[UInt8]?, any Error>?? in
                if let result = s.arrived.removeValue(forKey: segment.mapIndex) {
                    s.inFlight -= segment.size
                    return .some(result)
                }
                if woken { return .some(nil) }  // woken by another answer: check for a kill, then wait again
                woken = true
                return nil
            }
            if let result = result ?? nil { return result }
            try checkInterrupted()
        }
    }
}
