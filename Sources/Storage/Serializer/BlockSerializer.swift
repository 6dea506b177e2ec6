/// The codec of a block's values, used for serialized storage levels, for disk and for blocks
/// sent to other executors: values go in chunks, each chunk in one delimited
/// ``SerializedFrame`` of kind ``SerializedFrame/Kind/blockChunk``, and a block is its chunks'
/// frames one after another.
public struct BlockSerializer<T> {
    /// Encodes one chunk of values (the frame's payload).
    public var encode: ([T]) throws -> [UInt8]
    /// Decodes what `encode` produced.
    public var decode: ([UInt8]) throws -> [T]

    /// A serializer from its two functions.
    public init(encode: @escaping ([T]) throws -> [UInt8], decode: @escaping ([UInt8]) throws -> [T]) {
        self.encode = encode
        self.decode = decode
    }

    /// A serializer that writes each value of a chunk with `codec`, one after another.
    public init(_ codec: ElementCodec<T>) {
        self.init(encode: { chunk in
            var w = ByteWriter(capacity: chunk.count * 16)
            for x in chunk { try codec.write(x, &w) }
            return w.bytes
        }, decode: { bytes in
            var r = ByteReader(bytes)
            var out: [T] = []
            while !r.isAtEnd { out.append(try codec.read(&r)) }
            return out
        })
    }

    /// One chunk as a frame.
    public func frame(_ chunk: [T]) throws -> [UInt8] {
        SerializedFrame.frame(try encode(chunk), as: .blockChunk)
    }

    /// The chunks of a sequence of frames; throws ``StorageError`` on a cut, damaged or foreign frame.
    public func unframe(_ bytes: [UInt8]) throws -> [[T]] {
        var out: [[T]] = []
        var r = ByteReader(bytes)
        while !r.isAtEnd {
            out.append(try decode(Array(try SerializedFrame.read(.blockChunk, from: &r))))
        }
        return out
    }
}
