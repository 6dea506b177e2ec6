import Testing
@testable import Storage

@Test func storageLevelsPrintAsSpark() {
    // Spark 3.x: StorageLevel.MEMORY_AND_DISK_SER_2.toString
    #expect(StorageLevel.MEMORY_AND_DISK_SER_2.description == "StorageLevel(disk, memory, 2 replicas)")
    #expect(StorageLevel.MEMORY_ONLY.description == "StorageLevel(memory, deserialized, 1 replicas)")
    #expect(StorageLevel.DISK_ONLY.description == "StorageLevel(disk, 1 replicas)")
    #expect(StorageLevel.NONE.description == "StorageLevel(1 replicas)")
    #expect(StorageLevel.MEMORY_AND_DISK.description == "StorageLevel(disk, memory, deserialized, 1 replicas)")
}

@Test func storageLevelFlagsMatchTheirNames() {
    #expect(StorageLevel.named.count == 11)
    for (name, level) in StorageLevel.named {
        #expect(level.useDisk == name.contains("DISK"), "\(name)")
        #expect(level.useMemory == name.contains("MEMORY"), "\(name)")
        #expect(level.deserialized == (name.contains("MEMORY") && !name.contains("SER")), "\(name)")
        #expect(level.replication == (name.hasSuffix("_2") ? 2 : 1), "\(name)")
        #expect(StorageLevel.fromString(name) == level)
        #expect(level.name == name)
        #expect(level.isValid == (name != "NONE"))
    }
    #expect(StorageLevel.MEMORY_ONLY != StorageLevel.MEMORY_ONLY_SER)
    #expect(StorageLevel.fromString("MEMORY") == nil)
}
