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
/// Format: "ETB1", kind (0 map, 1 result), handle (u64), rdd id (varint), shuffle id or 0 (varint).
final class LocalTaskBinaryCodec: TaskBinaryCodec {
    private let table = Mutex<(next: UInt64, entries: [UInt64: StageBinarySource])>((1, [:]))
    private static let magic: [UInt8] = Array("ETB1".utf8)

    func serialize(_ source: StageBinarySource) throws -> [UInt8] {
        var w = ByteWriter(capacity: 32)
        w.write(contentsOf: Self.magic)
        let handle = table.withLock { t -> UInt64 in
            let h = t.next
            t.next += 1
            t.entries[h] = source
            return h
        }
        switch source {
        case .shuffleMap(let rdd, let dep):
            guard dep is ShuffleMapRunning else {
                throw TaskBinaryError.unknown("shuffle dependency \(dep.shuffleId) is not an engine shuffle")
            }
            w.write(0)
            w.writeUInt64(handle)
            w.writeVarInt(UInt64(rdd.rddId))
            w.writeVarInt(UInt64(dep.shuffleId))
        case .result(let rdd, let function):
            guard function is ResultTaskRunning else {
                throw TaskBinaryError.unknown("job function of \(rdd.debugName) is not an engine function")
            }
            w.write(1)
            w.writeUInt64(handle)
            w.writeVarInt(UInt64(rdd.rddId))
            w.writeVarInt(0)
        }
        return w.bytes
    }

    private func decode(_ binary: [UInt8]) throws -> (handle: UInt64, kind: UInt8, rddId: Int, shuffleId: Int) {
        var r = ByteReader(binary)
        guard Array(try r.readBytes(4)) == Self.magic else { throw TaskBinaryError.unknown("bad magic") }
        let kind = try r.readByte()
        let handle = try r.readUInt64()
        let rddId = Int(try r.readVarInt())
        let shuffleId = Int(try r.readVarInt())
        return (handle, kind, rddId, shuffleId)
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
