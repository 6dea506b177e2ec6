/// What ``BlockManager/putValues(_:level:task:chunks:estimate:serializer:)`` did with a partition.
public enum BlockPutResult<T> {
    /// Cached in memory (estimated or exact size).
    case inMemory(size: Int64)
    /// Written to disk (did not fit in memory, or the level is disk only); read it back with `getValues`.
    case onDisk(size: Int64)
    /// Not cached: the values are handed back, once, to iterate without caching.
    case notStored(PartiallyUnrolled<T>)
    /// Another task stored the block first; read it with `getValues`.
    case alreadyStored
}

/// A codec for the values of a block, used for serialized levels and for disk.
public struct BlockSerializer<T> {
    /// Encodes one chunk of values.
    public var encode: ([T]) throws -> [UInt8]
    /// Decodes what `encode` produced.
    public var decode: ([UInt8]) throws -> [T]

    /// A serializer from its two functions.
    public init(encode: @escaping ([T]) throws -> [UInt8], decode: @escaping ([UInt8]) throws -> [T]) {
        self.encode = encode
        self.decode = decode
    }

    /// One chunk as a frame: 4-byte little-endian length, then the encoded chunk.
    public func frame(_ chunk: [T]) throws -> [UInt8] {
        let body = try encode(chunk)
        let n = UInt32(body.count)
        return [UInt8(n & 0xff), UInt8(n >> 8 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 24)] + body
    }

    /// The chunks of a sequence of frames.
    public func unframe(_ bytes: [UInt8]) throws -> [[T]] {
        var out: [[T]] = []
        var i = 0
        while i < bytes.count {
            guard i + 4 <= bytes.count else { throw StorageError.corrupt("block frame header cut at byte \(i) of \(bytes.count)") }
            let n = Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24
            guard i + 4 + n <= bytes.count else {
                throw StorageError.corrupt("block frame of \(n) bytes at byte \(i) runs past the end (\(bytes.count) bytes)")
            }
            out.append(try decode(Array(bytes[(i + 4)..<(i + 4 + n)])))
            i += 4 + n
        }
        return out
    }
}
