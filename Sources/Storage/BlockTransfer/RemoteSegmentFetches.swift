import Foundation
import Threads

/// The remote half of a ``ShuffleBlockFetcherIterator``: requests are issued from the task
/// thread (``issue()`` and ``take(_:_:)``); answers arrive on the transport's threads and wait
/// here, by map index, until taken.
final class RemoteSegmentFetches: Sendable {
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
