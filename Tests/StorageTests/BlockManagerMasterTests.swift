import Testing
@testable import Storage

@Test func masterTracksLocationsAndRemovesRdds() {
    let m = BlockManagerMaster()
    let e1 = BlockManagerId(executorId: "1", host: "a", port: 1), e2 = BlockManagerId(executorId: "2", host: "b", port: 2)
    let block = BlockId.rdd(rddId: 3, partition: 0)
    #expect(!m.updateBlockInfo(e1, blockId: block, level: .MEMORY_ONLY, memSize: 10, diskSize: 0))
    m.registerBlockManager(e1)
    m.registerBlockManager(e2)
    #expect(m.updateBlockInfo(e2, blockId: block, level: .MEMORY_ONLY, memSize: 10, diskSize: 0))
    #expect(m.updateBlockInfo(e1, blockId: block, level: .MEMORY_AND_DISK, memSize: 0, diskSize: 7))
    #expect(m.updateBlockInfo(e1, blockId: .rdd(rddId: 4, partition: 0), level: .DISK_ONLY, memSize: 0, diskSize: 7))
    #expect(m.getLocations(block) == [e1, e2])
    #expect(m.status(block, at: e1)?.diskSize == 7)
    m.updateBlockInfo(e2, blockId: block, level: .NONE, memSize: 0, diskSize: 0)
    #expect(m.getLocations(block) == [e1])
    #expect(m.removeRdd(3) == [e1])
    #expect(m.getLocations(block).isEmpty)
    #expect(m.getLocations(.rdd(rddId: 4, partition: 0)) == [e1])
    m.removeBlockManager(e1)
    #expect(m.getLocations(.rdd(rddId: 4, partition: 0)).isEmpty)
}
