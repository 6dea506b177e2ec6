import Foundation
import Testing
@testable import Storage

private let a = BlockId.rdd(rddId: 1, partition: 0)
private let b = BlockId.rdd(rddId: 1, partition: 1)

@Test func manyReadersOrOneWriter() {
    let m = BlockInfoManager()
    #expect(m.lockForReading(a, task: 1, blocking: false) == nil)  // no such block
    #expect(m.lockNewBlockForWriting(a, info: BlockInfo(level: .MEMORY_ONLY), task: 1))
    #expect(m.info(a)?.writerTask == 1)
    // Written: no reader, no second writer.
    #expect(m.lockForReading(a, task: 2, blocking: false) == nil)
    #expect(m.lockForWriting(a, task: 2, blocking: false) == nil)
    m.downgradeLock(a, task: 1)
    #expect(m.info(a)?.readerCount == 1 && m.info(a)?.writerTask == nil)
    #expect(m.lockForReading(a, task: 2, blocking: false)?.readerCount == 2)
    #expect(m.lockForReading(a, task: 2, blocking: false)?.readerCount == 3)
    #expect(m.lockForWriting(a, task: 3, blocking: false) == nil)
    #expect(m.locks(heldBy: 2).read == [a: 2])
    m.unlock(a, task: 1)
    m.unlock(a, task: 2)
    #expect(m.info(a)?.readerCount == 1)
    m.unlock(a, task: 2)
    #expect(m.lockForWriting(a, task: 3, blocking: false)?.writerTask == 3)
    #expect(m.checkInvariants().isEmpty)
    m.removeBlock(a, task: 3)
    #expect(m.info(a) == nil)
    #expect(m.locks(heldBy: 3).write.isEmpty)
    #expect(m.checkInvariants().isEmpty)
}

@Test func lockingAnExistingNewBlockReadsIt() {
    let m = BlockInfoManager()
    #expect(m.lockNewBlockForWriting(a, info: BlockInfo(level: .DISK_ONLY), task: 1))
    m.update(a, task: 1, size: 42)
    m.unlock(a, task: 1)
    #expect(!m.lockNewBlockForWriting(a, info: BlockInfo(level: .DISK_ONLY), task: 2))
    #expect(m.info(a)?.readerCount == 1 && m.info(a)?.size == 42)
    #expect(m.locks(heldBy: 2).read == [a: 1])
}

@Test func boundedWaitTimesOutThenAReleaseWakesTheWaiter() {
    let m = BlockInfoManager()
    #expect(m.lockNewBlockForWriting(a, info: BlockInfo(level: .MEMORY_ONLY), task: 1))
    let start = Date()
    #expect(m.lockForReading(a, task: 2, timeout: 0.1) == nil)
    #expect(Date().timeIntervalSince(start) >= 0.09)
    let reader = TestThread { m.lockForReading(a, task: 2, timeout: 10)?.readerCount }
    #expect(!reader.finished(within: 0.1))
    m.unlock(a, task: 1)
    #expect(reader.join() == 1)
    // A writer waits for readers.
    let writer = TestThread { m.lockForWriting(a, task: 3, timeout: 10)?.writerTask }
    #expect(!writer.finished(within: 0.1))
    m.unlock(a, task: 2)
    #expect(writer.join() == 3)
    #expect(m.checkInvariants().isEmpty)
}

@Test func releaseAllLocksFreesEveryLockOfATaskOnly() {
    let m = BlockInfoManager()
    #expect(m.lockNewBlockForWriting(a, info: BlockInfo(level: .MEMORY_ONLY), task: 1))
    #expect(m.lockNewBlockForWriting(b, info: BlockInfo(level: .MEMORY_ONLY), task: 9))
    m.unlock(b, task: 9)
    #expect(m.lockForReading(b, task: 1) != nil)
    #expect(m.lockForReading(b, task: 1) != nil)
    #expect(m.lockForReading(b, task: 2) != nil)
    // Task 1 fails: its write lock on a and both reads of b go; task 2's read stays.
    let released = m.releaseAllLocks(forTask: 1)
    #expect(Set(released) == [a, b])
    #expect(m.info(a)?.writerTask == nil)
    #expect(m.info(b)?.readerCount == 1)
    #expect(m.lockForWriting(b, task: 3, blocking: false) == nil)
    #expect(m.releaseAllLocks(forTask: 2) == [b])
    #expect(m.lockForWriting(b, task: 3, blocking: false) != nil)
    #expect(m.checkInvariants().isEmpty)
}

@Test func aWaiterForARemovedBlockGetsNil() {
    let m = BlockInfoManager()
    #expect(m.lockNewBlockForWriting(a, info: BlockInfo(level: .MEMORY_ONLY), task: 1))
    let reader = TestThread { m.lockForReading(a, task: 2, timeout: 10) == nil }
    #expect(!reader.finished(within: 0.1))
    m.removeBlock(a, task: 1)
    #expect(reader.join() == true)
}
