/// How ``RDD/saveAsTextFile(_:codec:file:line:)`` compresses its part files, as the codec
/// class of Spark's `saveAsTextFile(path, codec)`. ``EngineContext/textFile(_:minPartitions:file:line:)``
/// reads both back, by suffix.
public enum CompressionCodec: String, Codable, Sendable, CaseIterable {
    /// gzip (`part-00000.gz`), as `gzip` writes and `zcat` reads; Hadoop's GzipCodec.
    case gzip
    /// The LZ4 frame format (`part-00000.lz4`), as the `lz4` command writes and `lz4 -dc` reads.
    case lz4

    /// The part files' suffix: `.gz` or `.lz4`.
    public var fileSuffix: String { self == .gzip ? ".gz" : ".lz4" }

    /// A new compressor of one output file.
    func makeEncoder() throws(EngineError) -> any OutputEncoder {
        switch self {
        case .gzip: return try GzipEncoder()
        case .lz4: return try LZ4FrameEncoder()
        }
    }
}

/// Compresses one output file, piece by piece.
protocol OutputEncoder: AnyObject {
    /// Appends the compressed form of `input` (so far) to `output`.
    func compress(_ input: [UInt8], into output: inout [UInt8]) throws(EngineError)
    /// Appends what ends the file (pending data, trailer) to `output`.
    func finish(into output: inout [UInt8]) throws(EngineError)
}
