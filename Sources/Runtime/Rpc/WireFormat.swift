import Scheduler
import Broadcast
import Storage

// The binary form of the values cluster messages carry, written by hand with the Storage
// target's ByteWriter and ByteReader: integers as (zig-zag) varints, strings and byte
// arrays length-prefixed, enums as a tag byte then their fields, fields in declaration
// order. Changing any layout here means bumping `ClusterMessage.wireVersion`.

/// Reads message fields, turning the Storage target's errors into ``ClusterMessageError``s
/// that name the message being decoded.
struct WireReader {
    private var reader: ByteReader
    /// The message being decoded, for errors: `StatusUpdate`.
    var message: String

    init(_ bytes: [UInt8], message: String) {
        reader = ByteReader(bytes)
        self.message = message
    }

    var remaining: Int { reader.remaining }

    func malformed(_ detail: String) -> ClusterMessageError { .malformed(message: message, detail: detail) }

    private mutating func read<T>(_ body: (inout ByteReader) throws(StorageError) -> T) throws(ClusterMessageError) -> T {
        do {
            return try body(&reader)
        } catch .corrupt(let what) {
            throw malformed(what)
        } catch {
            throw malformed("\(error)")
        }
    }

    mutating func byte() throws(ClusterMessageError) -> UInt8 { try read { r throws(StorageError) in try r.readByte() } }

    mutating func uint16() throws(ClusterMessageError) -> UInt16 {
        let low = try byte(), high = try byte()
        return UInt16(low) | UInt16(high) << 8
    }

    mutating func int() throws(ClusterMessageError) -> Int { try read { r throws(StorageError) in try Int.read(from: &r) } }

    mutating func int64() throws(ClusterMessageError) -> Int64 {
        try read { r throws(StorageError) in try Int64.read(from: &r) }
    }

    mutating func uint64() throws(ClusterMessageError) -> UInt64 {
        try read { r throws(StorageError) in try UInt64.read(from: &r) }
    }

    mutating func double() throws(ClusterMessageError) -> Double {
        try read { r throws(StorageError) in try Double.read(from: &r) }
    }

    mutating func bool() throws(ClusterMessageError) -> Bool { try read { r throws(StorageError) in try Bool.read(from: &r) } }

    mutating func string() throws(ClusterMessageError) -> String {
        try read { r throws(StorageError) in try String.read(from: &r) }
    }

    mutating func bytes() throws(ClusterMessageError) -> [UInt8] {
        try read { r throws(StorageError) in Array(try r.readLengthPrefixed()) }
    }

    mutating func int64s() throws(ClusterMessageError) -> [Int64] {
        try read { r throws(StorageError) in try [Int64].read(from: &r) }
    }

    /// A count of items that each take at least one byte: larger than what is left is damage.
    mutating func count(of what: String) throws(ClusterMessageError) -> Int {
        let n = try read { r throws(StorageError) in try r.readVarInt() }
        guard n <= UInt64(reader.remaining) else {
            throw malformed("\(n) \(what) announced but only \(reader.remaining) bytes left")
        }
        return Int(n)
    }
}

extension ByteWriter {
    mutating func writeUInt16(_ value: UInt16) {
        write(UInt8(truncatingIfNeeded: value))
        write(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func writeBytes(_ bytes: [UInt8]) {
        writeVarInt(UInt64(bytes.count))
        write(contentsOf: bytes)
    }
}

/// A value with a binary form inside cluster messages.
protocol WireCodable {
    func write(to w: inout ByteWriter)
    static func read(from r: inout WireReader) throws(ClusterMessageError) -> Self
}

extension ExecutorInfo: WireCodable {
    func write(to w: inout ByteWriter) {
        id.write(to: &w)
        host.write(to: &w)
        port.write(to: &w)
        cores.write(to: &w)
        memoryMB.write(to: &w)
        buildId.write(to: &w)
    }

    static func read(from r: inout WireReader) throws(ClusterMessageError) -> ExecutorInfo {
        ExecutorInfo(id: try r.string(), host: try r.string(), port: try r.int(), cores: try r.int(),
                     memoryMB: try r.int(), buildId: try r.string())
    }
}

extension BroadcastHandle: WireCodable {
    func write(to w: inout ByteWriter) { id.write(to: &w) }
    static func read(from r: inout WireReader) throws(ClusterMessageError) -> BroadcastHandle {
        BroadcastHandle(id: try r.int())
    }
}

extension BlockManagerId: WireCodable {
    func write(to w: inout ByteWriter) {
        executorId.write(to: &w)
        host.write(to: &w)
        port.write(to: &w)
    }

    static func read(from r: inout WireReader) throws(ClusterMessageError) -> BlockManagerId {
        BlockManagerId(executorId: try r.string(), host: try r.string(), port: try r.int())
    }
}

extension TaskKind: WireCodable {
    func write(to w: inout ByteWriter) {
        switch self {
        case .shuffleMap(let shuffleId):
            w.write(0)
            shuffleId.write(to: &w)
        case .result(let outputIndex):
            w.write(1)
            outputIndex.write(to: &w)
        }
    }

    static func read(from r: inout WireReader) throws(ClusterMessageError) -> TaskKind {
        switch try r.byte() {
        case 0: return .shuffleMap(shuffleId: try r.int())
        case 1: return .result(outputIndex: try r.int())
        case let tag: throw r.malformed("unknown TaskKind tag \(tag)")
        }
    }
}

extension TaskDescription: WireCodable {
    func write(to w: inout ByteWriter) {
        taskId.write(to: &w)
        jobId.write(to: &w)
        stageId.write(to: &w)
        stageAttempt.write(to: &w)
        partition.write(to: &w)
        index.write(to: &w)
        attemptNumber.write(to: &w)
        kind.write(to: &w)
        binary.write(to: &w)
        executorId.write(to: &w)
    }

    static func read(from r: inout WireReader) throws(ClusterMessageError) -> TaskDescription {
        TaskDescription(taskId: try r.int64(), jobId: try r.int(), stageId: try r.int(), stageAttempt: try r.int(),
                        partition: try r.int(), index: try r.int(), attemptNumber: try r.int(),
                        kind: try TaskKind.read(from: &r), binary: try BroadcastHandle.read(from: &r),
                        executorId: try r.string())
    }
}

extension TaskMetrics: WireCodable {
    func write(to w: inout ByteWriter) {
        for v in [recordsRead, bytesRead, shuffleRecordsWritten, shuffleBytesWritten, shuffleRecordsRead,
                  shuffleBytesRead, resultRecords, memoryBytesSpilled, diskBytesSpilled, peakExecutionMemory,
                  broadcastBytesFromDriver, broadcastBytesFromPeers, broadcastBlocksFetched] {
            v.write(to: &w)
        }
        runTimeNanos.write(to: &w)
        w.writeVarInt(UInt64(accumulatorUpdates.count))
        for (id, u) in accumulatorUpdates.sorted(by: { $0.key < $1.key }) {
            id.write(to: &w)
            switch u {
            case .long(let v):
                w.write(0)
                v.write(to: &w)
            case .double(let sum, let count):
                w.write(1)
                sum.write(to: &w)
                count.write(to: &w)
            }
        }
    }

    static func read(from r: inout WireReader) throws(ClusterMessageError) -> TaskMetrics {
        var m = TaskMetrics()
        m.recordsRead = try r.int64()
        m.bytesRead = try r.int64()
        m.shuffleRecordsWritten = try r.int64()
        m.shuffleBytesWritten = try r.int64()
        m.shuffleRecordsRead = try r.int64()
        m.shuffleBytesRead = try r.int64()
        m.resultRecords = try r.int64()
        m.memoryBytesSpilled = try r.int64()
        m.diskBytesSpilled = try r.int64()
        m.peakExecutionMemory = try r.int64()
        m.broadcastBytesFromDriver = try r.int64()
        m.broadcastBytesFromPeers = try r.int64()
        m.broadcastBlocksFetched = try r.int64()
        m.runTimeNanos = try r.uint64()
        for _ in 0..<(try r.count(of: "accumulator updates")) {
            let id = try r.int()
            let update: AccumulatorUpdate
            switch try r.byte() {
            case 0: update = .long(try r.int64())
            case 1: update = .double(sum: try r.double(), count: try r.int64())
            case let tag: throw r.malformed("unknown accumulator update tag \(tag)")
            }
            guard m.accumulatorUpdates.updateValue(update, forKey: id) == nil else {
                throw r.malformed("accumulator \(id) appears twice")
            }
        }
        return m
    }
}

extension MapStatus: WireCodable {
    func write(to w: inout ByteWriter) {
        location.write(to: &w)
        sizes.write(to: &w)
        mapIndex.write(to: &w)
        mapId.write(to: &w)
    }

    static func read(from r: inout WireReader) throws(ClusterMessageError) -> MapStatus {
        MapStatus(location: try BlockManagerId.read(from: &r), sizes: try r.int64s(), mapIndex: try r.int(),
                  mapId: try r.int64())
    }
}

extension TaskEndReason {
    /// Writes the reason; a successful result task's value must be `[UInt8]`.
    func write(to w: inout ByteWriter, taskId: Int64) throws(ClusterMessageError) {
        switch self {
        case .success(.mapStatus(let status)):
            w.write(0)
            status.write(to: &w)
        case .success(.value(let result)):
            guard let bytes = result.value as? [UInt8] else {
                throw .resultNotSerializable(taskId: taskId, type: String(describing: type(of: result.value)))
            }
            w.write(1)
            w.writeBytes(bytes)
        case .exception(let message):
            w.write(2)
            message.write(to: &w)
        case .fetchFailed(let shuffleId, let mapIndex, let reduceId, let message):
            w.write(3)
            shuffleId.write(to: &w)
            mapIndex.write(to: &w)
            reduceId.write(to: &w)
            message.write(to: &w)
        case .killed(let reason):
            w.write(4)
            reason.write(to: &w)
        case .executorLost(let executorId, let reason):
            w.write(5)
            executorId.write(to: &w)
            reason.write(to: &w)
        }
    }

    static func read(from r: inout WireReader) throws(ClusterMessageError) -> TaskEndReason {
        switch try r.byte() {
        case 0: return .success(.mapStatus(try MapStatus.read(from: &r)))
        case 1: return .success(.value(TaskResultValue(try r.bytes())))
        case 2: return .exception(try r.string())
        case 3:
            let shuffleId = try r.int()
            let mapIndex: Int?
            switch try r.byte() {
            case 0: mapIndex = nil
            case 1: mapIndex = try r.int()
            case let tag: throw r.malformed("byte \(tag) is not an optional map index tag (0 or 1)")
            }
            return .fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex, reduceId: try r.int(), message: try r.string())
        case 4: return .killed(try r.string())
        case 5: return .executorLost(executorId: try r.string(), reason: try r.string())
        case let tag: throw r.malformed("unknown TaskEndReason tag \(tag)")
        }
    }
}
