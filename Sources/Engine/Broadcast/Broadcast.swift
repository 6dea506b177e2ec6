import Broadcast
import Foundation
import Runtime
import Scheduler
import Storage

/// A read-only value shipped to every executor once, as Spark's `Broadcast[T]`: created with
/// ``EngineContext/broadcast(_:file:line:)`` and read with ``value`` on an executor or the driver.
///
/// The handle is small and `Codable` (its id, piece count and checksums): a named `Codable`
/// function type holds it as a field to take it to executors in other processes, where the
/// value is fetched once per executor as TorrentBroadcast pieces from the driver or from
/// executors that already hold them. `unpersist()` drops the executors' copies (the next use
/// fetches again); `destroy()` drops everything, and any later use fails.
///
/// ```swift
/// let table = try ctx.broadcast(["the": 0, "a": 1])
/// struct LookUp: MapFunction {
///     var table: Broadcast<[String: Int]>
///     func callAsFunction(_ w: String) throws -> Int { try table.value[w] ?? -1 }
/// }
/// let ids = try words.map(LookUp(table: table)).collect()
/// ```
public struct Broadcast<T: Codable & Sendable>: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The broadcast's id, increasing from 0 on each driver.
    public let id: Int
    /// Number of TorrentBroadcast pieces.
    public let pieceCount: Int
    /// Adler-32 of each stored piece (empty with `engine.broadcast.checksum=false`).
    public let checksums: [UInt32]
    /// The driver's broadcasts, on the driver (not encoded: nil on executors).
    let home: DriverBroadcasts?
    /// Shared by every copy of the handle the driver made (not encoded: decoded copies do not
    /// count); when the last goes, the ContextCleaner removes the broadcast everywhere.
    let reference: CleanupToken?

    enum CodingKeys: String, CodingKey { case id, pieceCount, checksums }

    init(id: Int, pieceCount: Int, checksums: [UInt32], home: DriverBroadcasts?, reference: CleanupToken? = nil) {
        self.id = id
        self.pieceCount = pieceCount
        self.checksums = checksums
        self.home = home
        self.reference = reference
    }

    /// Reads a handle that travelled in a task binary (it then has no driver-side state).
    /// - Throws: `DecodingError` when the encoded handle is malformed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        pieceCount = try c.decode(Int.self, forKey: .pieceCount)
        checksums = try c.decode([UInt32].self, forKey: .checksums)
        home = nil
        reference = nil
        BroadcastReferences.note(id)
    }

    /// Writes the handle; a destroyed broadcast cannot travel (the job fails before any task runs).
    /// - Throws: `EncodingError.invalidValue` after ``destroy(file:line:)``.
    public func encode(to encoder: any Encoder) throws {
        if let message = home?.destroyedMessage(id) {
            throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath, debugDescription: message))
        }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(pieceCount, forKey: .pieceCount)
        try c.encode(checksums, forKey: .checksums)
    }

    /// The value: kept on the driver; on an executor read once (pieces in random order from
    /// holders chosen at random, each checked) and kept for the executor's other tasks.
    /// Throws after ``destroy(file:line:)``, or when no holder can give a piece.
    /// Mirrors Spark's `Broadcast.value`.
    /// - Throws: `EngineError.invalidArgument` after ``destroy(file:line:)`` or when read outside
    ///   a task in a process that does not hold the value; `.jobFailed` when a piece cannot be
    ///   fetched or decoded.
    public var value: T {
        get throws(EngineError) {
            if let message = home?.destroyedMessage(id) { throw .invalidArgument(message) }
            let manager: BroadcastManager
            if let task = TaskContext.get() {
                manager = task.env.broadcastManager
            } else if let home {
                manager = home.manager
            } else {
                throw .invalidArgument("Broadcast(\(id)) is read outside a task in a process that does not hold it")
            }
            do {
                let before = manager.fetchStatistics
                let v = try manager.readValue(BroadcastHandle(id: id), serializer: BroadcastCoding.serializer(T.self)) { bytes in
                    try BroadcastCoding.decode(T.self, bytes)
                }
                if let task = TaskContext.get() {
                    // What this read fetched, for the task's metrics (Broadcast's own lock makes
                    // a read on one executor the only one fetching this broadcast).
                    let after = manager.fetchStatistics
                    let fromDriver = (after.bytesByHolder["driver"] ?? 0) - (before.bytesByHolder["driver"] ?? 0)
                    let all = after.bytesByHolder.values.reduce(0, +) - before.bytesByHolder.values.reduce(0, +)
                    task.updateMetrics {
                        $0.broadcastBytesFromDriver += fromDriver
                        $0.broadcastBytesFromPeers += all - fromDriver
                        $0.broadcastBlocksFetched += Int64(after.fetches - before.fetches)
                    }
                }
                return v
            } catch let e as StorageError {
                throw .jobFailed("\(e)")
            } catch {
                throw .jobFailed("cannot read Broadcast(\(id)): \(error)")
            }
        }
    }

    /// Removes the executors' copies of the value; the next use on an executor fetches it
    /// again. The driver keeps its copy. `blocking` is accepted for Spark's signature: removal
    /// messages are sent at once and executors act on them in order.
    /// Mirrors Spark's `Broadcast.unpersist`.
    public func unpersist(blocking: Bool = false) {
        home?.unpersist(id)
    }

    /// Removes the value and its pieces everywhere, driver included; any later use fails with
    /// `Attempted to use Broadcast(id) after it was destroyed (destroy at File.swift:N)`.
    /// Mirrors Spark's `Broadcast.destroy`: a job whose functions hold the handle then fails
    /// before any task runs (`Task not serializable: … uses a destroyed broadcast: …`).
    public func destroy(file: String = #fileID, line: Int = #line) {
        home?.destroy(id, site: "destroy at \(makeCallSite(file, line))")
    }

    /// Two handles are equal when they name the same broadcast (the same ``id``).
    public static func == (a: Self, b: Self) -> Bool { a.id == b.id }
    /// Hashes the ``id``.
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    /// `Broadcast(id)`, as errors and logs name it.
    public var description: String { "Broadcast(\(id))" }
}

extension EngineContext {
    /// Ships `value` to the executors once, as Spark's `sc.broadcast(value)`: its binary form
    /// is cut into `engine.broadcast.blockSize` pieces (lz4-compressed and checksummed unless
    /// configured otherwise) that executors fetch from the driver or from one another.
    ///
    /// The driver keeps the value; only the handle travels with tasks. See ``Broadcast``.
    /// - Throws: `EngineError.contextStopped` after ``stop()``; `.invalidArgument` when the value
    ///   cannot be encoded; `.io` when its pieces cannot be stored.
    public func broadcast<T: Codable & Sendable>(_ value: T, file: String = #fileID, line: Int = #line)
        throws(EngineError) -> Broadcast<T>
    {
        guard !isStopped else { throw .contextStopped }
        let bytes: [UInt8]
        do {
            bytes = try BroadcastCoding.encode(value)
        } catch {
            throw .invalidArgument("broadcast at \(makeCallSite(file, line)): the value cannot be encoded: \(error)")
        }
        let manager = env.broadcastManager
        do {
            let handle = try manager.newBroadcast(bytes: bytes)
            try manager.keepValue(handle.id, value, serializer: BroadcastCoding.serializer(T.self))
            let meta = try manager.metadata(handle)
            return Broadcast(id: handle.id, pieceCount: meta.pieceCount, checksums: meta.checksums, home: broadcasts,
                             reference: cleaner?.register(.broadcast(handle.id)))
        } catch {
            throw .io(path: "broadcast at \(makeCallSite(file, line))", reason: "\(error)")
        }
    }
}

/// A broadcast value's bytes: its binary Codable form in a ``SerializedFrame`` of kind
/// `broadcastValue`, except that a `[UInt8]` is its own bytes, unframed: any bytes are a valid
/// byte array, and framing would copy a value of possibly hundreds of MB once more on the
/// driver and on every executor. (The pieces carry checksums either way.)
enum BroadcastCoding {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        if let bytes = value as? [UInt8] { return bytes }
        return try BinaryEncoder().encode(value, framedAs: .broadcastValue)
    }

    static func decode<T: Decodable>(_: T.Type, _ bytes: [UInt8]) throws -> T {
        if T.self == [UInt8].self { return bytes as! T }  // cannot fail: T is [UInt8]
        return try BinaryDecoder().decode(T.self, framedAs: .broadcastValue, from: bytes)
    }

    /// How a kept value goes to disk when memory is short: each value in its broadcast form,
    /// length-prefixed.
    static func serializer<T: Codable>(_: T.Type) -> BlockSerializer<T> {
        BlockSerializer(encode: { (values: [T]) throws -> [UInt8] in
            var w = ByteWriter()
            for v in values { try encode(v).withUnsafeBytes { w.writeLengthPrefixed($0) } }
            return w.bytes
        }, decode: { (bytes: [UInt8]) throws -> [T] in
            var r = ByteReader(bytes)
            var out: [T] = []
            while !r.isAtEnd { out.append(try decode(T.self, Array(try r.readLengthPrefixed()))) }
            return out
        })
    }
}
