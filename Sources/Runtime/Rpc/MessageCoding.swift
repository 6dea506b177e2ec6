import Storage

/// The framing shared by ``ClusterMessage``, ``BlockMessage`` and their answers: each is a
/// ``SerializedFrame`` that fills its RPC payload (the network frame around it carries the
/// length), with version ``ClusterMessage/wireVersion`` and the message type's number as kind,
/// then fields in their ``BinaryRecord`` forms. Decoding maps the codec's ``StorageError``s to
/// ``ClusterMessageError``s that name the message, and refuses bytes left after the fields.
enum MessageCoding {
    /// A writer holding the header of a message (or answer) of type `type`.
    static func writer(type: UInt16, name: String, capacity: Int = 64) -> ByteWriter {
        var w = ByteWriter(capacity: capacity)
        SerializedFrame.writeHeader(SerializedFrame.Kind(rawValue: type, name: name), version: ClusterMessage.wireVersion,
                                    into: &w)
        return w
    }

    /// A reader of `bytes` after their header, and the header's type number (not yet checked).
    static func open(_ bytes: [UInt8], what: String = "header") throws(ClusterMessageError) -> (ByteReader, UInt16) {
        var r = ByteReader(bytes)
        do throws(StorageError) {
            let type = try SerializedFrame.readHeader(version: ClusterMessage.wireVersion, what: "a cluster message", from: &r)
            return (r, type)
        } catch {
            throw ClusterMessageError(decoding: what, error)
        }
    }

    /// The fields `body` reads from `reader`, which must then be at the end of its bytes;
    /// errors name `message`.
    static func readFields<T>(_ reader: inout ByteReader, message: String,
                              _ body: (inout ByteReader) throws(StorageError) -> T) throws(ClusterMessageError) -> T {
        let value: T
        do throws(StorageError) {
            value = try body(&reader)
        } catch {
            throw ClusterMessageError(decoding: message, error)
        }
        guard reader.isAtEnd else { throw .trailingBytes(message: message, count: reader.remaining) }
        return value
    }

    /// Decodes an answer to a message of type `type`: its header must name that type.
    static func decodeAnswer<T>(_ bytes: [UInt8], answering type: UInt16, name: String,
                                _ body: (inout ByteReader) throws(StorageError) -> T) throws(ClusterMessageError) -> T {
        var (r, found) = try open(bytes, what: name)
        guard found == type else {
            throw ClusterMessageError(decoding: name, .unexpectedKind(found: found, expected: "the \(name) (kind \(type))"))
        }
        return try readFields(&r, message: name, body)
    }
}
