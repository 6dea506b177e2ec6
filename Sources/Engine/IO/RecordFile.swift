import Foundation
import Runtime
import Scheduler
import Storage

/// The engine's own binary file of records (checkpoint files, object files), self-checking:
///
/// magic (8 bytes) · element type name (length-prefixed) · lz4 blocks (each checksummed) of
/// length-prefixed record chunks, as the Storage serializer encodes them · body length (8 bytes) ·
/// record count (8 bytes) · `ENGRCEND`.
///
/// A reader checks all of it before giving the first record, so that a truncated or damaged
/// file, or one read as another element type, fails with one clear error instead of giving
/// fewer or wrong records.
struct RecordFile {
    static let tail: [UInt8] = Array("ENGRCEND".utf8)
    static let trailerSize = 24

    /// The magic of the file kind: `ENGCKPT2` (checkpoint) or `ENGOBJ01` (object file).
    let magic: [UInt8]
    /// What the files are, in errors: `checkpoint file`, `object file`.
    let what: String

    /// The name written for, and checked against, element type `T`.
    static func typeName<T>(_: T.Type) -> String { _typeName(T.self, qualified: true) }

    /// Writes records to a sink: ``header(type:)``, then ``append(_:)`` chunks, then ``finish()``.
    struct Writer<T> {
        let serializer: BlockSerializer<T>
        private var raw = ByteWriter(capacity: 1 << 20)
        private var bodyLength: UInt64 = 0
        private var records: UInt64 = 0
        /// Bytes ready for the file.
        var out: [UInt8]

        init(_ format: RecordFile, serializer: BlockSerializer<T>) {
            self.serializer = serializer
            var w = ByteWriter()
            w.write(contentsOf: format.magic)
            Array(RecordFile.typeName(T.self).utf8).withUnsafeBytes { w.writeLengthPrefixed($0) }
            out = w.bytes
        }

        /// Adds a chunk of records (compressed once 1 MiB of them is pending).
        mutating func append(_ chunk: [T]) throws {
            guard !chunk.isEmpty else { return }
            records += UInt64(chunk.count)
            try serializer.encode(chunk).withUnsafeBytes { raw.writeLengthPrefixed($0) }
            if raw.count >= 1 << 20 { compressPending() }
        }

        private mutating func compressPending() {
            let before = out.count
            raw.bytes.withUnsafeBytes { LZ4BlockCodec.compress($0, into: &out) }
            bodyLength += UInt64(out.count - before)
            raw.removeAll()
        }

        /// Compresses what is pending and appends the trailer.
        mutating func finish() {
            compressPending()
            var trailer = ByteWriter(capacity: RecordFile.trailerSize)
            trailer.writeUInt64(bodyLength)
            trailer.writeUInt64(records)
            trailer.write(contentsOf: RecordFile.tail)
            out += trailer.bytes
        }
    }

    private func damaged(_ path: String, _ what: String) -> EngineError {
        .io(path: path, reason: "corrupt or incomplete \(self.what) (\(what)): it was damaged or cut short after it was "
            + "written; write it again")
    }

    /// The element type named in the header of the file at `path` (reads only the header).
    func storedTypeName(_ path: String) throws(EngineError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io(path: path, reason: "\(what) missing or unreadable")
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 4096)) ?? Data())
        return try header(head, path).typeName
    }

    private func header(_ bytes: [UInt8], _ path: String) throws(EngineError) -> (typeName: String, length: Int) {
        guard bytes.count >= magic.count else { throw damaged(path, "\(bytes.count) bytes, shorter than its header") }
        guard Array(bytes[0..<magic.count]) == magic else {
            throw .io(path: path, reason: "no \(String(decoding: magic, as: UTF8.self)) header: not one of this engine's "
                      + "\(what)s, or damaged")
        }
        var r = ByteReader(bytes, position: magic.count)
        guard let name = try? r.readLengthPrefixed() else { throw damaged(path, "header cut short") }
        return (String(decoding: name, as: UTF8.self), r.position)
    }

    /// Every record of the file at `path`, checked whole, read as `T`.
    func read<T>(_ path: String, serializer: BlockSerializer<T>) throws(EngineError) -> [[T]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, reason: "\(what) missing or unreadable")
        }
        let bytes = [UInt8](data)
        let (stored, bodyStart) = try header(bytes, path)
        let wanted = Self.typeName(T.self)
        guard stored == wanted else {
            throw .invalidArgument("\(path) holds records of type \(stored), not \(wanted): read it as \(stored)")
        }
        guard bytes.count >= bodyStart + Self.trailerSize else { throw damaged(path, "no trailer") }
        guard Array(bytes[(bytes.count - Self.tail.count)...]) == Self.tail else { throw damaged(path, "no end marker") }
        var trailer = ByteReader(Array(bytes[(bytes.count - Self.trailerSize)...]))
        guard let bodyLength = try? trailer.readUInt64(), let records = try? trailer.readUInt64() else {
            throw damaged(path, "trailer")
        }
        let body = bytes.count - bodyStart - Self.trailerSize
        guard bodyLength == UInt64(body) else { throw damaged(path, "body of \(body) bytes, \(bodyLength) expected") }
        let raw: [UInt8]
        do {
            raw = try bytes[bodyStart..<(bytes.count - Self.trailerSize)].withUnsafeBytes { try LZ4BlockCodec.decompress($0) }
        } catch {
            throw damaged(path, "\(error)")
        }
        var reader = ByteReader(raw)
        var chunks: [[T]] = []
        var count: UInt64 = 0
        do {
            while !reader.isAtEnd {
                let chunk = try serializer.decode(Array(try reader.readLengthPrefixed()))
                count += UInt64(chunk.count)
                chunks.append(chunk)
            }
        } catch {
            throw damaged(path, "records do not decode: \(error)")
        }
        guard count == records else { throw damaged(path, "\(count) records, \(records) expected") }
        return chunks
    }
}
