import Foundation
import Synchronization
import Testing
@testable import Storage

/// A store over `maxMemory` bytes (all of it storage's region), recording what it drops.
private final class Fixture: Sendable {
    let mm: UnifiedMemoryManager
    let infos = BlockInfoManager()
    let store: MemoryStore
    let dropped = Mutex<[(BlockId, [UInt8]?)]>([])

    init(maxMemory: Int64, initialUnroll: Int64 = 64) {
        mm = UnifiedMemoryManager(maxMemory: maxMemory, storageRegionSize: maxMemory)
        store = MemoryStore(memoryManager: mm, blockInfoManager: infos, initialUnrollReservation: initialUnroll)
        store.setDropHandler { [weak self] id, _, bytes in
            let b = try? bytes()
            self?.dropped.withLock { $0.append((id, b ?? nil)) }
            return true
        }
    }

    /// Puts `size` bytes as `id` the way the BlockManager does: registered, then unlocked.
    func put(_ id: BlockId, _ size: Int, level: StorageLevel = .MEMORY_ONLY_SER) -> Bool {
        #expect(infos.lockNewBlockForWriting(id, info: BlockInfo(level: level), task: 1))
        let ok = store.putBytes(id, [UInt8](repeating: UInt8(truncatingIfNeeded: size), count: size), level: level)
        if ok { infos.unlock(id, task: 1) } else { infos.removeBlock(id, task: 1) }
        return ok
    }

    var droppedIds: [BlockId] { dropped.withLock { $0.map(\.0) } }
}

private func rdd(_ r: Int, _ p: Int) -> BlockId { .rdd(rddId: r, partition: p) }

@Test func evictionTakesLeastRecentlyUsedFirst() {
    let f = Fixture(maxMemory: 1000)
    for r in 1...4 { #expect(f.put(rdd(r, 0), 250)) }
    #expect(f.store.getBytes(rdd(1, 0))?.count == 250)  // rdd 1 is now the most recent
    #expect(f.store.blockIdsInLRUOrder == [rdd(2, 0), rdd(3, 0), rdd(4, 0), rdd(1, 0)])
    #expect(f.put(rdd(9, 0), 300, level: .MEMORY_AND_DISK_SER))  // needs two blocks out
    #expect(f.store.blockIdsInLRUOrder == [rdd(4, 0), rdd(1, 0), rdd(9, 0)])
    // MEMORY_ONLY_SER blocks are dropped, not written.
    #expect(f.droppedIds.isEmpty)
    #expect(f.store.evictionCounts.dropped == 2)
    #expect(f.infos.info(rdd(2, 0)) == nil && f.infos.info(rdd(3, 0)) == nil)
    #expect(f.mm.storageMemoryUsed == 800 && f.store.memoryUsed == 800)
    // A block whose level uses disk goes to the drop handler with its bytes.
    _ = f.store.getBytes(rdd(4, 0))
    _ = f.store.getBytes(rdd(1, 0))
    #expect(f.put(rdd(10, 0), 450))
    #expect(f.store.blockIdsInLRUOrder == [rdd(4, 0), rdd(1, 0), rdd(10, 0)])
    #expect(f.droppedIds == [rdd(9, 0)])
    #expect(f.dropped.withLock { $0[0].1?.count } == 300)
    #expect(f.store.evictionCounts.toDisk == 1)
    #expect(f.infos.info(rdd(9, 0))?.writerTask == nil)  // still known: it lives on disk now
    #expect(f.mm.checkInvariants().isEmpty && f.infos.checkInvariants().isEmpty)
}

@Test func blocksOfTheSameRddAreNeverEvictedForIt() {
    let f = Fixture(maxMemory: 1000)
    for p in 0..<4 { #expect(f.put(rdd(1, p), 250)) }
    #expect(!f.put(rdd(1, 4), 250))
    #expect(f.store.blockIdsInLRUOrder.count == 4)
    #expect(f.store.evictionCounts.dropped == 0)
    // Another RDD may take their place.
    #expect(f.put(rdd(2, 0), 250))
    #expect(!f.store.contains(rdd(1, 0)))
}

@Test func lockedBlocksAreNeverEvicted() {
    let f = Fixture(maxMemory: 1000)
    for r in 1...4 { #expect(f.put(rdd(r, 0), 250)) }
    #expect(f.infos.lockForReading(rdd(1, 0), task: 5, blocking: false) != nil)
    #expect(f.infos.lockForReading(rdd(2, 0), task: 6, blocking: false) != nil)
    #expect(f.put(rdd(9, 0), 250))
    #expect(f.store.contains(rdd(1, 0)) && f.store.contains(rdd(2, 0)))
    #expect(!f.store.contains(rdd(3, 0)))
    // With every other block locked, nothing is evicted at all.
    f.infos.releaseAllLocks(forTask: 5)
    #expect(f.infos.lockForReading(rdd(4, 0), task: 7, blocking: false) != nil)
    #expect(f.infos.lockForReading(rdd(9, 0), task: 7, blocking: false) != nil)
    #expect(!f.put(rdd(10, 0), 500))  // only rdd_1_0 (250) is evictable: not enough
    #expect(f.store.contains(rdd(1, 0)))
    #expect(f.put(rdd(10, 0), 250))
    #expect(!f.store.contains(rdd(1, 0)))
    #expect(f.mm.checkInvariants().isEmpty && f.infos.checkInvariants().isEmpty)
}

/// A chunk source over `values`, `chunk` at a time, counting how many chunks were pulled.
private final class ChunkSource: @unchecked Sendable {
    let values: [Int]
    let chunk: Int
    var pulled = 0
    init(_ values: [Int], chunk: Int) { self.values = values; self.chunk = chunk }
    func next() -> [Int]? {
        let start = pulled * chunk
        guard start < values.count else { return nil }
        pulled += 1
        return Array(values[start..<min(start + chunk, values.count)])
    }
}

@Test func aPartitionThatDoesNotFitComesBackWhole() throws {
    let f = Fixture(maxMemory: 10_000, initialUnroll: 100)
    var rng = SplitMix64(seed: 9)
    let input = (0..<5_000).map { _ in Int.random(in: 0...1_000_000, using: &rng) }  // 40 KB estimated
    let source = ChunkSource(input, chunk: 50)
    let result = try f.store.putValues(rdd(1, 0), task: 3, chunks: source.next, estimate: { Int64($0.count * 8) })
    guard case .partial(let p) = result else { Issue.record("a 40 KB partition fit in 10 KB"); return }
    // Unrolling stopped once memory ran out: the reservation covers what was unrolled, within 10 KB.
    #expect(p.unrolledChunkCount == source.pulled)
    #expect(Int64(source.pulled * 50 * 8) <= 10_000 + 400)
    #expect(f.mm.unrollMemoryUsed(byTask: 3) >= Int64((source.pulled - 1) * 400))
    #expect(f.mm.unrollMemoryUsed(byTask: 3) <= 10_000)
    #expect(try p.collectAll() == input)
    #expect(f.mm.unrollMemoryUsed(byTask: 3) == 0)
    #expect(!f.store.contains(rdd(1, 0)))
    #expect(f.mm.storageMemoryUsed == 0)
}

@Test func aPartitionThatFitsIsStoredAndItsUnrollMemoryBecomesStorage() throws {
    let f = Fixture(maxMemory: 100_000, initialUnroll: 100)
    let input = Array(0..<1_000)
    let source = ChunkSource(input, chunk: 64)
    let result = try f.store.putValues(rdd(1, 0), task: 3, chunks: source.next, estimate: { Int64($0.count * 8) })
    guard case .stored(let size) = result else { Issue.record("8 KB did not fit in 100 KB"); return }
    #expect(size == 8_000)
    #expect(f.mm.unrollMemoryUsed(byTask: 3) == 0)
    #expect(f.mm.storageMemoryUsed == 8_000)
    #expect(f.store.getValues(rdd(1, 0), as: Int.self)?.flatMap { $0 } == input)
    #expect(f.store.getValues(rdd(1, 0), as: String.self) == nil)
    #expect(f.store.remove(rdd(1, 0)))
    #expect(f.mm.storageMemoryUsed == 0)
}

@Test func aFailingSourceReturnsItsUnrollMemory() {
    struct Boom: Error {}
    let f = Fixture(maxMemory: 100_000)
    var n = 0
    #expect(throws: Boom.self) {
        _ = try f.store.putValues(rdd(1, 0), task: 4, chunks: { () throws -> [Int]? in
            n += 1
            if n == 3 { throw Boom() }
            return [1, 2, 3]
        }, estimate: { Int64($0.count * 8) })
    }
    #expect(f.mm.unrollMemoryUsed(byTask: 4) == 0 && f.mm.storageMemoryUsed == 0)
}
