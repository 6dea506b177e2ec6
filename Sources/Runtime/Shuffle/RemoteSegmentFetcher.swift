import Foundation
import Runtime
import Scheduler
import Storage

/// One map output's segment for a reducer: where it is and how large.
struct ShuffleSegmentRef: Sendable {
    let location: BlockManagerId
    let mapIndex: Int
    let mapId: Int64
    let size: Int64
}

/// Fetches a reducer's remote shuffle segments with at most `maxBytesInFlight` bytes requested
/// and not yet consumed (always at least one segment, however large), as Spark's
/// ShuffleBlockFetcherIterator, in the order the reducer reads them (map order). Requests are
/// issued from the task thread (``issue()`` and ``take(_:_:)``); answers arrive on the network
/// thread and wait here until taken.
final class RemoteSegmentFetcher: @unchecked Sendable {
    // Unchecked: every mutable field is guarded by `condition`.
    private let condition = NSCondition()
    private let shuffleId: Int
    private let reduceId: Int
    private let client: any BlockTransferClient
    private let maxBytesInFlight: Int64
    /// Not yet requested, in request order (reversed: next at the end).
    private var waiting: [ShuffleSegmentRef]
    /// Bytes requested and not yet taken.
    private var inFlight: Int64 = 0
    /// Requested and not yet answered.
    private var outstanding = 0
    /// Answered and not yet taken, by map index.
    private var arrived: [Int: Result<[UInt8], any Error>] = [:]

    init(shuffleId: Int, reduceId: Int, segments: [ShuffleSegmentRef], client: any BlockTransferClient,
         maxBytesInFlight: Int64) {
        self.shuffleId = shuffleId
        self.reduceId = reduceId
        self.client = client
        self.maxBytesInFlight = maxBytesInFlight
        waiting = segments.sorted { $0.mapIndex < $1.mapIndex }.reversed()
    }

    /// Requests segments while the bytes in flight stay within the limit.
    func issue() {
        while true {
            condition.lock()
            guard let next = waiting.last, inFlight == 0 || inFlight + next.size <= maxBytesInFlight else {
                condition.unlock()
                return
            }
            waiting.removeLast()
            inFlight += next.size
            outstanding += 1
            condition.unlock()
            let block = BlockId.shuffle(shuffleId: shuffleId, mapId: Int(next.mapId), reduceId: reduceId)
            client.fetch(block, from: next.location, offset: 0, length: Int(next.size)) { [self] result in
                condition.lock()
                arrived[next.mapIndex] = result
                outstanding -= 1
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// Segment `segment` (one of those given at init), waiting for it if needed.
    /// Wakes every 200 ms to honour a kill of the task.
    func take(_ segment: ShuffleSegmentRef, _ context: TaskContext) throws -> Result<[UInt8], any Error> {
        while true {
            issue()
            condition.lock()
            if let result = arrived.removeValue(forKey: segment.mapIndex) {
                inFlight -= segment.size
                condition.unlock()
                return result
            }
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.2))
            condition.unlock()
            try context.checkInterrupted()
        }
    }
}
