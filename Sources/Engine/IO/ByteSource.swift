import Foundation

/// Where a ``LineReader`` reads bytes: a file read at offsets, or a decompressor read in order.
protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes at `offset` (a decompressor reads on, ignoring it); 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(EngineError) -> Int
    /// Bytes read from the file so far (compressed bytes for a compressed file).
    var bytesRead: Int64 { get }
}

/// A plain file, read at offsets.
final class PlainFileSource: ByteSource {
    private let fd: Int32
    private let path: String
    private(set) var bytesRead: Int64 = 0

    init(_ path: String) throws(EngineError) {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(EngineError) -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let n = pread(fd, buffer.baseAddress!, buffer.count, off_t(offset))
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: String(cString: strerror(errno)))
            }
            bytesRead += Int64(n)
            return n
        }
    }
}
