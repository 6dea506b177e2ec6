import Foundation
import Threads

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
