import Foundation
import Scheduler
import Storage
import Threads

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
final class RemoteSegmentFetcher: Sendable {
    private struct Segments {
        /// Not yet requested, in request order (reversed: next at the end).
        var waiting: [ShuffleSegmentRef]
        /// Bytes requested and not yet taken.
        var inFlight: Int64 = 0
        /// Requested and not yet answered.
        var outstanding = 0
        /// Answered and not yet taken, by map index.
        var arrived: [Int: Result<[UInt8], any Error>] = [:]
    }

    private let shuffleId: Int
    private let reduceId: Int
    private let client: any BlockTransferClient
    private let maxBytesInFlight: Int64
    /// The task thread waits on it for an answer; the network thread notifies it of each.
    private let segments: ConditionLock<Segments>

    init(shuffleId: Int, reduceId: Int, segments: [ShuffleSegmentRef], client: any BlockTransferClient,
         maxBytesInFlight: Int64) {
        self.shuffleId = shuffleId
        self.reduceId = reduceId
        self.client = client
        self.maxBytesInFlight = maxBytesInFlight
        self.segments = ConditionLock(Segments(waiting: segments.sorted { $0.mapIndex < $1.mapIndex }.reversed()))
    }

    /// Requests segments while the bytes in flight stay within the limit.
    func issue() {
        while true {
            let request = segments.withLock { s -> ShuffleSegmentRef? in
                guard let next = s.waiting.last, s.inFlight == 0 || s.inFlight + next.size <= maxBytesInFlight else {
                    return nil
                }
                s.waiting.removeLast()
                s.inFlight += next.size
                s.outstanding += 1
                return next
            }
            guard let next = request else { return }
            let block = BlockId.shuffle(shuffleId: shuffleId, mapId: Int(next.mapId), reduceId: reduceId)
            client.fetch(block, from: next.location, offset: 0, length: Int(next.size)) { [self] result in
                segments.withLockNotifyingAll { s in
                    s.arrived[next.mapIndex] = result
                    s.outstanding -= 1
                }
            }
        }
    }

    /// Segment `segment` (one of those given at init), waiting for it if needed.
    /// Wakes every 200 ms, and at each answer, to honour a kill of the task.
    func take(_ segment: ShuffleSegmentRef, _ context: TaskContext) throws -> Result<[UInt8], any Error> {
        while true {
            issue()
            var woken = false
            let result = segments.wait(timeout: 0.2) { s -> Result<[UInt8], any Error>?? in
                if let result = s.arrived.removeValue(forKey: segment.mapIndex) {
                    s.inFlight -= segment.size
                    return .some(result)
                }
                if woken { return .some(nil) }  // woken by another answer, or 200 ms passed
                woken = true
                return nil
            }
            if let result = result ?? nil { return result }
            try context.checkInterrupted()
        }
    }
}
