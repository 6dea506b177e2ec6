// INTERIM: replaced by the storage branch at merge. Same public signatures.
import Foundation
import Synchronization

public final class DiskBlockManager: Sendable {
    public let localDirs: [String]
    public init(rootDirs: [String], subDirsPerLocalDir: Int = 64) throws(StorageError) {
        localDirs = rootDirs.map { $0 + "/engine-\(UInt64.random(in: 0...UInt64.max))" }
        for d in localDirs { try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
    }
    public func file(for id: BlockId) throws(StorageError) -> String { localDirs[0] + "/" + id.name }
    public func tempPath(for id: BlockId) throws(StorageError) -> String { localDirs[0] + "/" + id.name + ".tmp-\(UInt64.random(in: 0...UInt64.max))" }
    public func stop() { for d in localDirs { try? FileManager.default.removeItem(atPath: d) } }
}

public final class IndexShuffleBlockResolver: Sendable {
    let disk: DiskBlockManager
    public init(diskBlockManager: DiskBlockManager) { disk = diskBlockManager }
    public func dataFile(shuffleId: Int, mapId: Int) throws(StorageError) -> String { try disk.file(for: .shuffleData(shuffleId: shuffleId, mapId: mapId)) }
    public func indexFile(shuffleId: Int, mapId: Int) throws(StorageError) -> String { try disk.file(for: .shuffleIndex(shuffleId: shuffleId, mapId: mapId)) }
    public func writeIndexFileAndCommit(shuffleId: Int, mapId: Int, lengths: [Int64], dataTemp: String) throws(StorageError) {
        var w = ByteWriter()
        var off: Int64 = 0
        w.writeUInt64(0)
        for l in lengths { off += l; w.writeUInt64(UInt64(off)) }
        let idx = try indexFile(shuffleId: shuffleId, mapId: mapId)
        FileManager.default.createFile(atPath: idx, contents: Data(w.bytes))
        let data = try dataFile(shuffleId: shuffleId, mapId: mapId)
        try? FileManager.default.removeItem(atPath: data)
        try? FileManager.default.moveItem(atPath: dataTemp, toPath: data)
    }
    public func readSegment(shuffleId: Int, mapId: Int, reduceId: Int) throws(StorageError) -> [UInt8] {
        guard let idx = FileManager.default.contents(atPath: try indexFile(shuffleId: shuffleId, mapId: mapId)),
              let data = FileManager.default.contents(atPath: try dataFile(shuffleId: shuffleId, mapId: mapId)) else { throw .blockNotFound("shuffle") }
        var r = ByteReader([UInt8](idx), position: reduceId * 8)
        let a = Int(try r.readUInt64()), b = Int(try r.readUInt64())
        return [UInt8](data[a..<b])
    }
    public func removeDataByMap(shuffleId: Int, mapId: Int) {}
}

public final class ShuffleMapOutputWriter {
    let resolver: IndexShuffleBlockResolver
    let shuffleId: Int, mapId: Int
    var parts: [[UInt8]]
    public init(resolver: IndexShuffleBlockResolver, shuffleId: Int, mapId: Int, numPartitions: Int, compress: Bool) throws(StorageError) {
        self.resolver = resolver; self.shuffleId = shuffleId; self.mapId = mapId
        parts = Array(repeating: [], count: numPartitions)
    }
    public func writePartition(_ reduceId: Int, _ records: UnsafeRawBufferPointer) throws(StorageError) { parts[reduceId].append(contentsOf: records) }
    public func commit() throws(StorageError) -> [Int64] {
        let tmp = try resolver.disk.tempPath(for: .shuffleData(shuffleId: shuffleId, mapId: mapId))
        FileManager.default.createFile(atPath: tmp, contents: Data(parts.flatMap { $0 }))
        let lengths = parts.map { Int64($0.count) }
        try resolver.writeIndexFileAndCommit(shuffleId: shuffleId, mapId: mapId, lengths: lengths, dataTemp: tmp)
        return lengths
    }
    public func abort() {}
}

public enum ShuffleSegmentCodec {
    public static func decode(_ segment: [UInt8], compressed: Bool) throws(StorageError) -> [UInt8] { segment }
}

public final class BlockManager: Sendable {
    public let blockManagerId: BlockManagerId
    public let diskBlockManager: DiskBlockManager
    public let shuffleResolver: IndexShuffleBlockResolver
    let mem = Mutex<[BlockId: [UInt8]]>([:])
    public init(executorId: String, host: String = "localhost", port: Int = 0, localDirs: [String]) throws(StorageError) {
        blockManagerId = BlockManagerId(executorId: executorId, host: host, port: port)
        diskBlockManager = try DiskBlockManager(rootDirs: localDirs)
        shuffleResolver = IndexShuffleBlockResolver(diskBlockManager: diskBlockManager)
    }
    public func putBytes(_ id: BlockId, _ bytes: [UInt8]) throws(StorageError) { mem.withLock { $0[id] = bytes } }
    public func getBytes(_ id: BlockId) -> [UInt8]? { mem.withLock { $0[id] } }
    public func removeBlock(_ id: BlockId) { _ = mem.withLock { $0.removeValue(forKey: id) } }
    public var memoryUsed: Int64 { mem.withLock { Int64($0.values.reduce(0) { $0 + $1.count }) } }
    public func getShuffleSegment(shuffleId: Int, mapId: Int, reduceId: Int) throws(StorageError) -> [UInt8] {
        try shuffleResolver.readSegment(shuffleId: shuffleId, mapId: mapId, reduceId: reduceId)
    }
    public func stop() { diskBlockManager.stop() }
}

public struct ByteString: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var bytes: [UInt8]
    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 { self.bytes = Array(bytes) }
    public init(_ string: String) { bytes = Array(string.utf8) }
    public init(stringLiteral s: String) { bytes = Array(s.utf8) }
    public var count: Int { bytes.count }
    public var description: String { String(decoding: bytes, as: UTF8.self) }
    public static func < (a: ByteString, b: ByteString) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
    public static func + (a: ByteString, b: ByteString) -> ByteString { ByteString(a.bytes + b.bytes) }
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try bytes.withUnsafeBytes(body) }
    public var words: [ByteString] { bytes.split(whereSeparator: { $0 == 32 || ($0 >= 9 && $0 <= 13) }).map { ByteString($0) } }
}

public struct RecordCodec<T: Codable>: Sendable {
    public init() {}
    public func write(_ value: T, to writer: inout ByteWriter) throws(StorageError) {
        do { let d = try JSONEncoder().encode([value]); writer.writeVarInt(UInt64(d.count)); writer.write(contentsOf: d) } catch { throw .notSerializable("\(error)") }
    }
    public func read(from reader: inout ByteReader) throws(StorageError) -> T {
        let s = try reader.readLengthPrefixed()
        do { return try JSONDecoder().decode([T].self, from: Data(s))[0] } catch { throw .corrupt("\(error)") }
    }
}
