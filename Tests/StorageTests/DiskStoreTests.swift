import Foundation
import Testing
@testable import Storage

/// Every file under `dir`, recursively, by name.
private func filesUnder(_ dir: String) -> [String] {
    (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? [])
        .filter { !($0 as NSString).lastPathComponent.allSatisfy(\.isHexDigit) }
}

@Test func diskStoreRoundTripsAndMapsLargeReads() throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let dbm = try DiskBlockManager(rootDirs: [root])
    defer { dbm.stop() }
    let store = DiskStore(diskBlockManager: dbm, memoryMapThreshold: 4096)
    var rng = SplitMix64(seed: 31)
    let small = randomBytes(100, &rng), large = randomBytes(100_000, &rng)
    try store.put(.rdd(rddId: 1, partition: 0), bytes: small)
    try store.put(.rdd(rddId: 1, partition: 1), bytes: large)
    try store.put(.rdd(rddId: 1, partition: 2), bytes: [])
    #expect(store.totalSize == 100_100)
    #expect(try store.getBytes(.rdd(rddId: 1, partition: 0)) == small)
    #expect(store.mappedReadCount == 0)
    #expect(try store.getBytes(.rdd(rddId: 1, partition: 1)) == large)
    #expect(store.mappedReadCount == 1)
    #expect(try store.withBytes(.rdd(rddId: 1, partition: 1)) { $0.reduce(0) { $0 &+ Int($1) } } == large.reduce(0) { $0 &+ Int($1) })
    #expect(store.mappedReadCount == 2)
    #expect(try store.getBytes(.rdd(rddId: 1, partition: 2)) == [])
    #expect(FileIO.size(try dbm.file(for: .rdd(rddId: 1, partition: 1))) == 100_000)
    #expect(store.remove(.rdd(rddId: 1, partition: 1)))
    #expect(!store.remove(.rdd(rddId: 1, partition: 1)))
    #expect(!FileIO.exists(try dbm.file(for: .rdd(rddId: 1, partition: 1))))
    #expect(store.totalSize == 100)
    #expect(throws: StorageError.blockNotFound("rdd_1_1 on disk")) { try store.getBytes(.rdd(rddId: 1, partition: 1)) }
}

@Test func aPutThatFailsMidwayLeavesNoFile() throws {
    struct SourceFailed: Error {}
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let dbm = try DiskBlockManager(rootDirs: [root])
    defer { dbm.stop() }
    let store = DiskStore(diskBlockManager: dbm)
    let id = BlockId.rdd(rddId: 4, partition: 2)
    try store.put(.rdd(rddId: 4, partition: 1), bytes: [1, 2, 3])
    #expect(throws: SourceFailed.self) {
        try store.put(id) { write in
            try write([UInt8](repeating: 7, count: 10_000))
            #expect(filesUnder(dbm.localDirs[0]).count == 2)  // the temp file exists while writing
            throw SourceFailed()
        }
    }
    #expect(!store.contains(id))
    #expect(store.totalSize == 3)
    #expect(filesUnder(dbm.localDirs[0]).map { ($0 as NSString).lastPathComponent } == ["rdd_4_1"])
    // A replaced block keeps its old content when the new put fails.
    #expect(throws: SourceFailed.self) {
        try store.put(.rdd(rddId: 4, partition: 1)) { write in try write([9]); throw SourceFailed() }
    }
    #expect(try store.getBytes(.rdd(rddId: 4, partition: 1)) == [1, 2, 3])
}

@Test func aPutIntoAStoppedManagerNamesTheDirectory() throws {
    let root = makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let dbm = try DiskBlockManager(rootDirs: [root])
    let store = DiskStore(diskBlockManager: dbm)
    dbm.stop()
    do {
        try store.put(.rdd(rddId: 1, partition: 0), bytes: [1])
        Issue.record("a put after stop succeeded")
    } catch {
        #expect("\(error)".contains(dbm.localDirs[0]))
    }
}
