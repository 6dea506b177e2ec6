import Runtime
import Scheduler
import Storage
import Synchronization

/// The task binary codec of local mode: driver and executor are one process, so a
/// stage's `(rdd, shuffleDep)` or `(rdd, func)` is serialized as a handle into this
/// process's table of live stage binaries, plus the ids needed to check it on decode.
/// The bytes still travel the whole way (broadcast pieces in the BlockManager), so a
/// cluster codec that writes portable functions (the cluster issue) slots in here.
///
/// Format: a ``SerializedFrame`` of kind `localStageBinary` holding the stage kind (0 map,
/// 1 result), the handle (u64), the RDD id (varint) and the shuffle id or 0 (varint).
final class LocalTaskBinaryCodec: TaskBinaryCodec {
    private let table = Mutex<(next: UInt64, entries: [UInt64: StageBinarySource])>((1, [:]))

    func serialize(_ source: StageBinarySource) throws -> [UInt8] {
        let kind: UInt8, rddId: Int, shuffleId: Int
        switch source {
        case .shuffleMap(let rdd, let dep):
            guard dep is ShuffleMapRunning else {
                throw TaskBinaryError.unknown("shuffle dependency \(dep.shuffleId) is not an engine shuffle")
            }
            (kind, rddId, shuffleId) = (0, rdd.rddId, dep.shuffleId)
        case .result(let rdd, let function):
            guard function is ResultTaskRunning else {
                throw TaskBinaryError.unknown("job function of \(rdd.debugName) is not an engine function")
            }
            (kind, rddId, shuffleId) = (1, rdd.rddId, 0)
        }
        let handle = table.withLock { t -> UInt64 in
            let h = t.next
            t.next += 1
            t.entries[h] = source
            return h
        }
        var w = ByteWriter(capacity: SerializedFrame.delimitedHeaderSize + 16)
        SerializedFrame.write(.localStageBinary, into: &w) { w in
            w.write(kind)
            w.writeUInt64(handle)
            w.writeVarInt(UInt64(rddId))
            w.writeVarInt(UInt64(shuffleId))
        }
        return w.bytes
    }

    private func decode(_ binary: [UInt8]) throws -> (handle: UInt64, kind: UInt8, rddId: Int, shuffleId: Int) {
        try SerializedFrame.decode(binary, as: .localStageBinary) { r throws(StorageError) in
            let kind = try r.readByte()
            let handle = try r.readUInt64()
            let rddId = try r.readVarInt(), shuffleId = try r.readVarInt()
            guard let rdd = Int(exactly: rddId), let shuffle = Int(exactly: shuffleId) else {
                throw .corrupt("local stage binary ids \(rddId), \(shuffleId) out of range")
            }
            return (handle, kind, rdd, shuffle)
        }
    }

    func runTask(_ task: TaskDescription, binary: [UInt8], context: TaskContext) throws -> TaskOutcome {
        let d = try decode(binary)
        guard let source = table.withLock({ $0.entries[d.handle] }) else {
            throw TaskBinaryError.unknown("stage binary \(d.handle) is no longer live")
        }
        switch (source, d.kind) {
        case (.shuffleMap(let rdd, let dep), 0):
            guard rdd.rddId == d.rddId, dep.shuffleId == d.shuffleId, let runner = dep as? ShuffleMapRunning else {
                throw TaskBinaryError.mismatch("shuffle map binary for RDD \(d.rddId), shuffle \(d.shuffleId)")
            }
            return .mapStatus(try runner.runMapTask(partition: task.partition, context: context))
        case (.result(let rdd, let function), 1):
            guard rdd.rddId == d.rddId, let runner = function as? ResultTaskRunning else {
                throw TaskBinaryError.mismatch("result binary for RDD \(d.rddId)")
            }
            return .value(try runner.runResultTask(rdd: rdd, partition: task.partition, context: context))
        default:
            throw TaskBinaryError.mismatch("stage binary kind \(d.kind)")
        }
    }

    func release(_ binary: [UInt8]) {
        guard let d = try? decode(binary) else { return }
        _ = table.withLock { $0.entries.removeValue(forKey: d.handle) }
    }

    /// Number of live stage binaries (tests check that finished stages release theirs).
    var liveBinaries: Int { table.withLock { $0.entries.count } }
}
