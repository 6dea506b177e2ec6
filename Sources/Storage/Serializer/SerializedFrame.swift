/// The framing of the codec family: a serialized value that leaves the code that wrote it —
/// a task binary, an RPC message or its answer, a serialized block chunk, a task result, a
/// broadcast value — starts with the same header, so its reader knows what the bytes hold and
/// that this build can read them before it reads the payload.
///
/// | bytes | field |
/// |---|---|
/// | 1 | format version (``formatVersion``, or the version the kind's owner keeps, as RPC messages do) |
/// | 2 | kind, little-endian (``Kind``) |
/// | 8 | payload length, little-endian — delimited frames only |
/// | n | payload: ``ByteWriter`` primitives, ``BinaryRecord`` forms, ``BinaryEncoder`` output |
///
/// A frame comes in one of two extents:
/// - **delimited** (``write(_:version:into:payload:)``, ``open(_:version:from:)``): the header
///   carries the payload length, so frames can follow one another (the chunks of a block) or
///   stand alone in a buffer; the reader checks the length against the bytes present before it
///   reads or allocates anything;
/// - **filling its buffer** (``writeHeader(_:version:into:)``, ``readHeader(version:what:from:)``):
///   no length field, the payload ends where the buffer does. RPC messages are framed so: the
///   network frame around them already carries their length and checks it against the largest
///   frame accepted. Their reader checks that the payload is read to its last byte.
///
/// Reading never traps and never allocates more than the input holds: a cut header or payload,
/// a length field larger than the data (up to 2^64 − 1), a frame of another kind or another
/// format version each throw a ``StorageError`` that names what was expected.
public enum SerializedFrame {
    /// The format version of the family's frames: the frame layout, ``BinaryRecord`` forms and
    /// ``BinaryEncoder`` output. A reader accepts this version only.
    public static let formatVersion: UInt8 = 1

    /// Bytes of the header of a frame that fills its buffer: version and kind.
    public static let headerSize = 3

    /// Bytes of the header of a delimited frame: version, kind and payload length.
    public static let delimitedHeaderSize = 11

    /// What a frame holds: a number, written as 2 bytes, and a name for errors. Kinds compare
    /// by number.
    ///
    /// Numbers 1–255 are RPC messages and their answers (`ClusterMessage` 1–15, `BlockMessage`
    /// 16–31, numbered by their `MessageType`); 256 and up are the frames declared here.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The number written in the header.
        public let rawValue: UInt16
        /// What the frame holds, for errors: `block chunk`.
        public let name: String

        /// A kind with its number and name.
        public init(rawValue: UInt16, name: String) {
            self.rawValue = rawValue
            self.name = name
        }

        /// The portable binary of a stage (its lineage as operator calls), broadcast to executors.
        public static let stageBinary = Kind(rawValue: 0x100, name: "stage binary")
        /// Local mode's stage binary: a handle into the driver process's table of stages.
        public static let localStageBinary = Kind(rawValue: 0x101, name: "local stage binary")
        /// One chunk of a serialized block's values (``BlockSerializer``).
        public static let blockChunk = Kind(rawValue: 0x102, name: "block chunk")
        /// A result task's value, on its way from an executor to the driver.
        public static let taskResult = Kind(rawValue: 0x103, name: "task result")
        /// A broadcast variable's value, cut into pieces by TorrentBroadcast.
        public static let broadcastValue = Kind(rawValue: 0x104, name: "broadcast value")

        /// Equal when the numbers are.
        public static func == (a: Kind, b: Kind) -> Bool { a.rawValue == b.rawValue }
        /// Hashes the number.
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
        /// `block chunk (kind 258)`.
        public var description: String { "\(name) (kind \(rawValue))" }
    }

    // MARK: - Delimited frames

    /// Appends a delimited frame of `kind` to `writer`, its payload written by `payload` straight
    /// into `writer` (no copy): the length field is written as a placeholder and set afterwards.
    /// When `payload` throws, `writer` holds a partial frame: discard it.
    public static func write<E: Error>(_ kind: Kind, version: UInt8 = formatVersion, into writer: inout ByteWriter,
                                       payload: (inout ByteWriter) throws(E) -> Void) throws(E) {
        writeHeader(kind, version: version, into: &writer)
        let lengthAt = writer.count
        writer.writeUInt64(0)
        try payload(&writer)
        writer.setUInt64(UInt64(writer.count - lengthAt - 8), at: lengthAt)
    }

    /// `payload` in a delimited frame of `kind`, as a new array.
    public static func frame(_ payload: [UInt8], as kind: Kind, version: UInt8 = formatVersion) -> [UInt8] {
        var w = ByteWriter(capacity: delimitedHeaderSize + payload.count)
        write(kind, version: version, into: &w) { w in w.write(contentsOf: payload) }
        return w.bytes
    }

    /// Reads the header of a delimited frame of `kind` at `reader`'s position and leaves the
    /// reader at the payload's first byte; returns the position just past the payload. Throws
    /// when the header is cut, the version or kind differ, or the length runs past the end.
    public static func open(_ kind: Kind, version: UInt8 = formatVersion,
                            from reader: inout ByteReader) throws(StorageError) -> Int {
        guard reader.remaining >= delimitedHeaderSize else {
            throw .truncated(what: "the header of a \(kind.name) frame", needed: UInt64(delimitedHeaderSize),
                             available: reader.remaining)
        }
        let found = try readHeader(version: version, what: "a \(kind.name) frame", from: &reader)
        guard found == kind.rawValue else { throw .unexpectedKind(found: found, expected: "a \(kind) frame") }
        let length = try reader.readUInt64()
        guard length <= UInt64(reader.remaining) else {
            throw .truncated(what: "the payload of a \(kind.name) frame", needed: length, available: reader.remaining)
        }
        return reader.position + Int(length)
    }

    /// Checks that a payload opened with ``open(_:version:from:)`` (ending at `end`) was read to
    /// its last byte and not beyond.
    public static func close(_ kind: Kind, end: Int, reader: ByteReader) throws(StorageError) {
        if reader.position < end {
            throw .corrupt("\(end - reader.position) bytes left unread in a \(kind.name) frame")
        }
        if reader.position > end {
            throw .corrupt("a value runs \(reader.position - end) bytes past the end of its \(kind.name) frame")
        }
    }

    /// Reads a delimited frame of `kind` at `reader`'s position: its payload, a slice of the
    /// reader's bytes (no copy).
    public static func read(_ kind: Kind, version: UInt8 = formatVersion,
                            from reader: inout ByteReader) throws(StorageError) -> ArraySlice<UInt8> {
        let end = try open(kind, version: version, from: &reader)
        return try reader.readBytes(end - reader.position)
    }

    /// The payload of `bytes`, which must hold exactly one delimited frame of `kind`.
    public static func payload(of bytes: [UInt8], as kind: Kind,
                               version: UInt8 = formatVersion) throws(StorageError) -> ArraySlice<UInt8> {
        var reader = ByteReader(bytes)
        let payload = try read(kind, version: version, from: &reader)
        guard reader.isAtEnd else {
            throw .corrupt("\(reader.remaining) bytes follow a \(kind.name) frame of \(payload.count) payload bytes")
        }
        return payload
    }

    /// The value `body` reads from the payload of `bytes`, which must hold exactly one delimited
    /// frame of `kind`; `body` must read the payload to its last byte and not beyond.
    public static func decode<T>(_ bytes: [UInt8], as kind: Kind, version: UInt8 = formatVersion,
                                 _ body: (inout ByteReader) throws(StorageError) -> T) throws(StorageError) -> T {
        var reader = ByteReader(bytes)
        let end = try open(kind, version: version, from: &reader)
        guard end == bytes.count else { throw .corrupt("\(bytes.count - end) bytes follow a \(kind.name) frame") }
        let value = try body(&reader)
        try close(kind, end: end, reader: reader)
        return value
    }

    // MARK: - Frames that fill their buffer

    /// Writes the header of a frame that fills its buffer (no length field): `version`, then
    /// `kind`. The payload follows, up to the end of the buffer.
    public static func writeHeader(_ kind: Kind, version: UInt8 = formatVersion, into writer: inout ByteWriter) {
        writer.write(version)
        writer.writeUInt16(kind.rawValue)
    }

    /// Reads a frame header (version, kind) and returns the kind's number, for the caller to
    /// check; leaves the reader after the header. `what` names the frame in errors. A buffer
    /// that ends before the first byte throws ``StorageError/corrupt(_:)`` from
    /// ``ByteReader/readByte()``; a version other than `version` throws
    /// ``StorageError/unsupportedVersion(what:found:expected:)`` before the kind is read.
    public static func readHeader(version: UInt8 = formatVersion, what: String,
                                  from reader: inout ByteReader) throws(StorageError) -> UInt16 {
        let found = try reader.readByte()
        guard found == version else { throw .unsupportedVersion(what: what, found: found, expected: version) }
        guard reader.remaining >= 2 else {
            throw .truncated(what: "the header of \(what)", needed: UInt64(headerSize), available: reader.remaining + 1)
        }
        return try reader.readUInt16()
    }
}
