import Runtime
import Scheduler
import Storage
import Synchronization
import Threads

/// Serializes records that are pairs `(A, B)` of Codable values, whose types the engine cannot
/// name statically (a pair RDD made by `map`): the element types are learned from the first
/// record and every later record must have the same ones. A non-empty encoding starts with the
/// two types' mangled names, so that another process (the driver reading a task's result) can
/// decode it without having written one.
final class PairOfCodables<T>: @unchecked Sendable {
    // Unchecked: `types` is only touched under `lock`.
    private let lock = Mutex(())
    private var types: (any Codable.Type, any Codable.Type)?

    func encode(_ chunk: [T]) throws -> [UInt8] {
        var w = ByteWriter(capacity: chunk.count * 16 + 64)
        for (i, x) in chunk.enumerated() {
            guard let (a, b) = x as? (any Codable, any Codable) else {
                throw StorageError.notSerializable("records of type \(T.self) are not a pair of Codable values; "
                                                   + "persist them at MEMORY_ONLY or make them Codable")
            }
            let learned = lock.withLock { _ in
                if types == nil { types = (type(of: a), type(of: b)) }
                return types!
            }
            guard type(of: a) == learned.0, type(of: b) == learned.1 else {
                throw StorageError.notSerializable("a record of \(T.self) holds (\(type(of: a)), \(type(of: b))) "
                                                   + "where earlier ones held (\(learned.0), \(learned.1))")
            }
            if i == 0 {
                guard let na = _mangledTypeName(learned.0), let nb = _mangledTypeName(learned.1) else {
                    throw StorageError.notSerializable("the parts of \(T.self) have no stable type names")
                }
                Array(na.utf8).withUnsafeBytes { w.writeLengthPrefixed($0) }
                Array(nb.utf8).withUnsafeBytes { w.writeLengthPrefixed($0) }
            }
            try Self.write(a, &w)
            try Self.write(b, &w)
        }
        return w.bytes
    }

    func decode(_ bytes: [UInt8]) throws -> [T] {
        var r = ByteReader(bytes)
        guard !r.isAtEnd else { return [] }
        let na = String(decoding: try r.readLengthPrefixed(), as: UTF8.self)
        let nb = String(decoding: try r.readLengthPrefixed(), as: UTF8.self)
        guard let ta = _typeByName(na) as? any Codable.Type, let tb = _typeByName(nb) as? any Codable.Type else {
            throw StorageError.corrupt("pairs of \(T.self) name element types unknown in this build")
        }
        var out: [T] = []
        while !r.isAtEnd {
            let a = try Self.read(ta, &r), b = try Self.read(tb, &r)
            guard let pair = (a, b) as? T else { throw StorageError.corrupt("cannot rebuild a \(T.self) from its parts") }
            out.append(pair)
        }
        return out
    }

    private static func write<C: Codable>(_ value: C, _ w: inout ByteWriter) throws {
        try ElementCodec<C>.writeCodable(value, to: &w, binaryRecord: ElementCodec<C>.usesBinaryRecord)
    }

    private static func read<C: Codable>(_: C.Type, _ r: inout ByteReader) throws -> Any {
        try ElementCodec<C>.readCodable(from: &r, binaryRecord: ElementCodec<C>.usesBinaryRecord)
    }
}
