import Scheduler
import Broadcast
import Storage

// The binary forms of the values cluster and block messages carry, as ``BinaryRecord``s of the
// Storage target's codec family: integers as (zig-zag) varints, strings and byte arrays
// length-prefixed, enums as a tag byte then their fields, fields in declaration order. Every
// read is bounds-checked by ``ByteReader`` and throws ``StorageError``, which the message
// decoders turn into a ``ClusterMessageError`` naming the message. Changing any layout here
// means bumping `ClusterMessage.wireVersion`.

extension ExecutorInfo: BinaryRecord {
    /// Writes id, host, port, cores, memory and build id.
    public func write(to w: inout ByteWriter) {
        id.write(to: &w)
        host.write(to: &w)
        port.write(to: &w)
        cores.write(to: &w)
        memoryMB.write(to: &w)
        buildId.write(to: &w)
    }

    /// Reads what ``write(to:)`` wrote.
    public static func read(from r: inout ByteReader) throws(StorageError) -> ExecutorInfo {
        ExecutorInfo(id: try String.read(from: &r), host: try String.read(from: &r), port: try Int.read(from: &r),
                     cores: try Int.read(from: &r), memoryMB: try Int.read(from: &r), buildId: try String.read(from: &r))
    }
}

extension BroadcastHandle: BinaryRecord {
    /// Writes the id.
    public func write(to w: inout ByteWriter) { id.write(to: &w) }
    /// Reads what ``write(to:)`` wrote.
    public static func read(from r: inout ByteReader) throws(StorageError) -> BroadcastHandle {
        BroadcastHandle(id: try Int.read(from: &r))
    }
}

extension BlockManagerId: BinaryRecord {
    /// Writes executor id, host and port.
    public func write(to w: inout ByteWriter) {
        executorId.write(to: &w)
        host.write(to: &w)
        port.write(to: &w)
    }

    /// Reads what ``write(to:)`` wrote.
    public static func read(from r: inout ByteReader) throws(StorageError) -> BlockManagerId {
        BlockManagerId(executorId: try String.read(from: &r), host: try String.read(from: &r), port: try Int.read(from: &r))
    }
}

extension TaskKind: BinaryRecord {
    /// Writes a tag (0 shuffle map, 1 result) and the case's number.
    public func write(to w: inout ByteWriter) {
        switch self {
        case .shuffleMap(let shuffleId):
            w.write(0)
            shuffleId.write(to: &w)
        case .result(let outputIndex):
            w.write(1)
            outputIndex.write(to: &w)
        }
    }

    /// Reads what ``write(to:)`` wrote.
    public static func read(from r: inout ByteReader) throws(StorageError) -> TaskKind {
        switch try r.readByte() {
        case 0: return .shuffleMap(shuffleId: try Int.read(from: &r))
        case 1: return .result(outputIndex: try Int.read(from: &r))
        case let tag: throw .corrupt("unknown TaskKind tag \(tag)")
        }
    }
}

extension TaskDescription: BinaryRecord {
    /// Writes the fields in declaration order.
    public func write(to w: inout ByteWriter) {
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

    /// Reads what ``write(to:)`` wrote.
    public static func read(from r: inout ByteReader) throws(StorageError) -> TaskDescription {
        TaskDescription(taskId: try Int64.read(from: &r), jobId: try Int.read(from: &r), stageId: try Int.read(from: &r),
                        stageAttempt: try Int.read(from: &r), partition: try Int.read(from: &r),
                        index: try Int.read(from: &r), attemptNumber: try Int.read(from: &r),
                        kind: try TaskKind.read(from: &r), binary: try BroadcastHandle.read(from: &r),
                        executorId: try String.read(from: &r))
    }
}

extension TaskMetrics: BinaryRecord {
    /// Writes the counters, then the accumulator updates sorted by id (a tag, 0 long, 1 double
    /// or 2 collection, then the values), so equal metrics always encode to equal bytes.
    public func write(to w: inout ByteWriter) {
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
            case .collection(let elements):
                w.write(2)
                w.writeVarInt(UInt64(elements.count))
                for e in elements { e.withUnsafeBytes { w.writeLengthPrefixed($0) } }
            }
        }
    }

    /// Reads what ``write(to:)`` wrote; an accumulator that appears twice is damage.
    public static func read(from r: inout ByteReader) throws(StorageError) -> TaskMetrics {
        var m = TaskMetrics()
        m.recordsRead = try Int64.read(from: &r)
        m.bytesRead = try Int64.read(from: &r)
        m.shuffleRecordsWritten = try Int64.read(from: &r)
        m.shuffleBytesWritten = try Int64.read(from: &r)
        m.shuffleRecordsRead = try Int64.read(from: &r)
        m.shuffleBytesRead = try Int64.read(from: &r)
        m.resultRecords = try Int64.read(from: &r)
        m.memoryBytesSpilled = try Int64.read(from: &r)
        m.diskBytesSpilled = try Int64.read(from: &r)
        m.peakExecutionMemory = try Int64.read(from: &r)
        m.broadcastBytesFromDriver = try Int64.read(from: &r)
        m.broadcastBytesFromPeers = try Int64.read(from: &r)
        m.broadcastBlocksFetched = try Int64.read(from: &r)
        m.runTimeNanos = try UInt64.read(from: &r)
        for _ in 0..<(try r.readCount(of: "accumulator updates")) {
            let id = try Int.read(from: &r)
            let update: AccumulatorUpdate
            switch try r.readByte() {
            case 0: update = .long(try Int64.read(from: &r))
            case 1: update = .double(sum: try Double.read(from: &r), count: try Int64.read(from: &r))
            case 2:
                var elements: [[UInt8]] = []
                for _ in 0..<(try r.readCount(of: "collection accumulator elements")) {
                    elements.append(Array(try r.readLengthPrefixed()))
                }
                update = .collection(elements)
            case let tag: throw .corrupt("unknown accumulator update tag \(tag)")
            }
            guard m.accumulatorUpdates.updateValue(update, forKey: id) == nil else {
                throw .corrupt("accumulator \(id) appears twice")
            }
        }
        return m
    }
}

extension MapStatus: BinaryRecord {
    /// Writes location, sizes, map index and map id.
    public func write(to w: inout ByteWriter) {
        location.write(to: &w)
        sizes.write(to: &w)
        mapIndex.write(to: &w)
        mapId.write(to: &w)
    }

    /// Reads what ``write(to:)`` wrote.
    public static func read(from r: inout ByteReader) throws(StorageError) -> MapStatus {
        MapStatus(location: try BlockManagerId.read(from: &r), sizes: try [Int64].read(from: &r),
                  mapIndex: try Int.read(from: &r), mapId: try Int64.read(from: &r))
    }
}

extension TaskEndReason {
    /// Writes the reason (a tag, then the case's fields); a successful result task's value must
    /// be `[UInt8]` (its encoded result), else ``ClusterMessageError/resultNotSerializable(taskId:type:)``.
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
            bytes.withUnsafeBytes { w.writeLengthPrefixed($0) }
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

    /// Reads what ``write(to:taskId:)`` wrote.
    static func read(from r: inout ByteReader) throws(StorageError) -> TaskEndReason {
        switch try r.readByte() {
        case 0: return .success(.mapStatus(try MapStatus.read(from: &r)))
        case 1: return .success(.value(TaskResultValue(Array(try r.readLengthPrefixed()))))
        case 2: return .exception(try String.read(from: &r))
        case 3:
            let shuffleId = try Int.read(from: &r)
            let mapIndex: Int?
            switch try r.readByte() {
            case 0: mapIndex = nil
            case 1: mapIndex = try Int.read(from: &r)
            case let tag: throw .corrupt("byte \(tag) is not an optional map index tag (0 or 1)")
            }
            return .fetchFailed(shuffleId: shuffleId, mapIndex: mapIndex, reduceId: try Int.read(from: &r),
                                message: try String.read(from: &r))
        case 4: return .killed(try String.read(from: &r))
        case 5: return .executorLost(executorId: try String.read(from: &r), reason: try String.read(from: &r))
        case let tag: throw .corrupt("unknown TaskEndReason tag \(tag)")
        }
    }
}
