import Foundation
import Testing
@testable import Storage

/// A fake block transfer: answers from memory after a delay and records how many bytes
/// were requested and not yet answered at most.
final class DelayedFakeTransfer: BlockTransferService, @unchecked Sendable {
    // Unchecked: the counters are guarded by `lock`.
    let lock = NSLock()
    var requested: [Int] = []
    var inFlight = 0
    var maxInFlight = 0
    let failing: Set<Int>

    init(failing: Set<Int> = []) { self.failing = failing }

    func fetchBlock(_ block: BlockId, from holder: BlockManagerId, offset: Int64, length: Int,
                    completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void) {
        guard case .shuffle(_, let mapId, _) = block else { fatalError("not a shuffle block") }
        lock.lock()
        requested.append(mapId)
        inFlight += length
        maxInFlight = max(maxInFlight, inFlight)
        lock.unlock()
        let fail = failing.contains(mapId)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int.random(in: 0...5))) { [self] in
            lock.lock()
            inFlight -= length
            lock.unlock()
            completion(fail ? .failure(BlockFetchError(block: block, holder: "\(holder)", reason: "gone"))
                            : .success([UInt8](repeating: UInt8(mapId & 0xff), count: length)))
        }
    }

    func uploadBlock(_ block: BlockId, bytes: [UInt8], level: StorageLevel, to holder: BlockManagerId) throws {
        throw BlockFetchError(block: block, holder: "\(holder)", reason: "this fake only fetches")
    }
}

/// A reducer's BlockManager (`exec-1`) reaching others through `transfer`; removed by the caller.
private func reducerBlockManager(_ transfer: (any BlockTransferService)?) throws -> (BlockManager, String) {
    let dir = makeTempDir()
    return (try BlockManager(executorId: "exec-1", localDirs: [dir], blockTransferService: transfer), dir)
}

@Suite struct ShuffleBlockFetcherIteratorTests {
    @Test("remote segments come back in map order with at most maxBytesInFlight requested",
          arguments: [1, 100, 1000, 1 << 20])
    func remoteFetchOrderAndLimit(_ limit: Int) throws {
        let remote = BlockManagerId(executorId: "exec-9", host: "h", port: 1)
        let other = BlockManagerId(executorId: "exec-8", host: "h", port: 2)
        let segments = (0..<60).map { i in
            ShuffleSegmentRef(location: i % 3 == 0 ? other : remote, mapIndex: i, mapId: Int64(i), size: Int64(10 + (i * 37) % 300))
        }
        let fake = DelayedFakeTransfer()
        let (bm, dir) = try reducerBlockManager(fake)
        defer { bm.stop(); try? FileManager.default.removeItem(atPath: dir) }
        let fetcher = try ShuffleBlockFetcherIterator(shuffleId: 1, reduceId: 0, segments: segments.shuffled(), blockManager: bm,
                                                      maxBytesInFlight: Int64(limit), checkInterrupted: {})
        for seg in segments {
            let next = try #require(try fetcher.next())
            #expect(next.segment == seg)
            let bytes = next.bytes
            #expect(bytes.count == Int(seg.size) && bytes.allSatisfy { $0 == UInt8(seg.mapIndex) })
        }
        #expect(try fetcher.next()?.segment == nil)
        #expect(fake.requested == segments.map(\.mapIndex), "requested out of map order")
        let largest = segments.map { Int($0.size) }.max()!
        #expect(fake.maxInFlight <= max(limit, largest), "\(fake.maxInFlight) bytes in flight, limit \(limit)")
    }

    @Test func remoteFetchFailureIsReportedForItsSegment() throws {
        let remote = BlockManagerId(executorId: "exec-9", host: "h", port: 1)
        let segments = (0..<5).map { ShuffleSegmentRef(location: remote, mapIndex: $0, mapId: Int64($0), size: 10) }
        let (bm, dir) = try reducerBlockManager(DelayedFakeTransfer(failing: [3]))
        defer { bm.stop(); try? FileManager.default.removeItem(atPath: dir) }
        let fetcher = try ShuffleBlockFetcherIterator(shuffleId: 1, reduceId: 0, segments: segments, blockManager: bm,
                                                      maxBytesInFlight: 1 << 20, checkInterrupted: {})
        for seg in segments {
            do {
                let next = try #require(try fetcher.next())
                #expect(seg.mapIndex != 3, "segment 3 should fail")
                #expect(next.segment == seg && next.bytes.count == 10)
            } catch let e as ShuffleBlockFetchError {
                #expect(seg.mapIndex == 3 && e.segment == seg, "\(e)")
                #expect("\(e)".contains("gone"))
            }
        }
    }

    /// Segments of this executor are read from its disk, the others fetched from the executor
    /// holding them through the transfer service; all come back in map order.
    @Test func localSegmentsAreReadHereAndRemoteOnesFetched() throws {
        let service = InMemoryBlockTransferService()
        let dirA = makeTempDir(), dirB = makeTempDir()
        let outputsA = MemoryShuffleBlockResolver(), outputsB = MemoryShuffleBlockResolver()
        let reducer = BlockManager(executorId: "exec-1", diskBlockManager: try DiskBlockManager(rootDirs: [dirA]),
                                   shuffleBlockResolver: outputsA, blockTransferService: service)
        let mapper = BlockManager(executorId: "exec-2", host: "h2", port: 2,
                                  diskBlockManager: try DiskBlockManager(rootDirs: [dirB]),
                                  shuffleBlockResolver: outputsB, blockTransferService: service)
        defer {
            reducer.stop(); mapper.stop()
            for d in [dirA, dirB] { try? FileManager.default.removeItem(atPath: d) }
        }
        service.register(reducer)
        service.register(mapper)
        var segments: [ShuffleSegmentRef] = []
        var expected: [[UInt8]] = []
        for mapIndex in 0..<6 {
            let holder = mapIndex % 2 == 0 ? reducer : mapper
            let lengths = (mapIndex % 2 == 0 ? outputsA : outputsB).put(
                shuffleId: 4, mapId: 10 + mapIndex,
                segments: [[UInt8(mapIndex)], [UInt8](repeating: UInt8(mapIndex), count: 100 + mapIndex)])
            segments.append(ShuffleSegmentRef(location: holder.blockManagerId, mapIndex: mapIndex, mapId: Int64(10 + mapIndex),
                                              size: lengths[1]))
            expected.append(try holder.getShuffleSegment(shuffleId: 4, mapId: 10 + mapIndex, reduceId: 1))
        }
        let fetcher = try ShuffleBlockFetcherIterator(shuffleId: 4, reduceId: 1, segments: segments.reversed(), blockManager: reducer,
                                                      maxBytesInFlight: 150, checkInterrupted: {})
        for (seg, bytes) in zip(segments, expected) {
            let next = try #require(try fetcher.next())
            #expect(next.segment == seg && next.bytes == bytes)
        }
        #expect(try fetcher.next()?.segment == nil)
        #expect(service.fetches.map(\.from) == ["exec-2", "exec-2", "exec-2"], "only the remote segments are fetched")
    }

    @Test func remoteSegmentsWithoutATransferServiceFailAtTheFirstOne() throws {
        let (bm, dir) = try reducerBlockManager(nil)
        defer { bm.stop(); try? FileManager.default.removeItem(atPath: dir) }
        let elsewhere = BlockManagerId(executorId: "exec-5", host: "h", port: 5)
        let segments = [ShuffleSegmentRef(location: elsewhere, mapIndex: 2, mapId: 2, size: 1),
                        ShuffleSegmentRef(location: elsewhere, mapIndex: 1, mapId: 1, size: 1)]
        do {
            _ = try ShuffleBlockFetcherIterator(shuffleId: 1, reduceId: 0, segments: segments, blockManager: bm,
                                                maxBytesInFlight: 1 << 20, checkInterrupted: {})
            Issue.record("remote segments accepted without a transfer service")
        } catch {
            #expect(error.segment.mapIndex == 1 && error.message.contains("cannot fetch remote blocks"), "\(error)")
        }
    }

    @Test func aKilledTaskStopsWaiting() throws {
        /// Never answers.
        final class Silent: BlockTransferService {
            func fetchBlock(_ block: BlockId, from holder: BlockManagerId, offset: Int64, length: Int,
                            completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void) {}
            func uploadBlock(_ block: BlockId, bytes: [UInt8], level: StorageLevel, to holder: BlockManagerId) throws {}
        }
        struct Killed: Error {}
        let (bm, dir) = try reducerBlockManager(Silent())
        defer { bm.stop(); try? FileManager.default.removeItem(atPath: dir) }
        let segment = ShuffleSegmentRef(location: BlockManagerId(executorId: "exec-5", host: "h", port: 5), mapIndex: 0,
                                        mapId: 0, size: 1)
        let fetcher = try ShuffleBlockFetcherIterator(shuffleId: 1, reduceId: 0, segments: [segment], blockManager: bm,
                                                      maxBytesInFlight: 1 << 20, checkInterrupted: { throw Killed() })
        #expect(throws: Killed.self) { try fetcher.next() }
    }
}
