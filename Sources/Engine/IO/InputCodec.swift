import Foundation

/// The compression of an input file, known by its suffix as Hadoop's CompressionCodecFactory:
/// `.gz` (gzip, as `gzip` and `zcat` read) and `.lz4` (the LZ4 frame format, as the `lz4`
/// command writes). Neither is splittable: such a file is one split, read from its start.
enum InputCodec: Sendable {
    case gzip
    case lz4

    /// The codec of `path`, or nil for a plain file.
    init?(path: String) {
        if path.hasSuffix(".gz") {
            self = .gzip
        } else if path.hasSuffix(".lz4") {
            self = .lz4
        } else {
            return nil
        }
    }

    /// The decompressed bytes of the file at `path`.
    func open(_ path: String) throws(EngineError) -> any ByteSource {
        switch self {
        case .gzip: return try GzipSource(path)
        case .lz4: return try LZ4FrameSource(path)
        }
    }
}

/// Reads a file's bytes in order, in pieces, for a decompressor.
struct SequentialFile: ~Copyable {
    let fd: Int32
    let path: String

    init(_ path: String) throws(EngineError) {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    /// Up to `count` bytes into `into`; 0 at the end of the file.
    func readSome(_ into: UnsafeMutablePointer<UInt8>, _ count: Int) throws(EngineError) -> Int {
        while true {
            let n = read(fd, into, count)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: String(cString: strerror(errno)))
            }
            return n
        }
    }
}
