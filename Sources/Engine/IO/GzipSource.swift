import CZlib
import Foundation

/// The decompressed bytes of a gzip file, through zlib, as `zcat` reads them (concatenated
/// members included). A damaged or truncated file fails with `EngineError.io` naming it.
final class GzipSource: ByteSource {
    private let file: SequentialFile
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let inputSize = 64 * 1024
    private var inputEnded = false
    private var finished = false
    private(set) var bytesRead: Int64 = 0

    init(_ path: String) throws(EngineError) {
        file = try SequentialFile(path)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(capacity: inputSize)
        // 15 + 32: a zlib or gzip header, detected.
        let rc = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            input.deallocate()
            stream.deallocate()
            throw .io(path: path, reason: "cannot start gzip decompression (zlib error \(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    private func corrupt(_ what: String) -> EngineError {
        .io(path: file.path, reason: "corrupt gzip data (\(what)); the file is damaged or not gzip: "
            + "check it with 'gzip -t', or rename it if it is not compressed")
    }

    /// Reads more compressed bytes; false at the end of the file.
    private func refill() throws(EngineError) -> Bool {
        let n = try file.readSome(input, inputSize)
        if n == 0 {
            inputEnded = true
            return false
        }
        bytesRead += Int64(n)
        stream.pointee.next_in = input
        stream.pointee.avail_in = UInt32(n)
        return true
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(EngineError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        let out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let capacity = min(buffer.count, Int(UInt32.max))
        var produced = 0
        while produced == 0 {
            if stream.pointee.avail_in == 0 && !inputEnded {
                // An empty file holds no data at all (no member): nothing to read.
                if !(try refill()) && bytesRead == 0 {
                    finished = true
                    return 0
                }
            }
            stream.pointee.next_out = out + produced
            stream.pointee.avail_out = UInt32(capacity - produced)
            let rc = inflate(stream, Z_NO_FLUSH)
            produced = capacity - Int(stream.pointee.avail_out)
            switch rc {
            case Z_STREAM_END:
                // Another gzip member may follow, as `zcat` reads concatenated files.
                let more = stream.pointee.avail_in > 0 ? true : try refill()
                if !more {
                    finished = true
                    return produced
                }
                inflateReset(stream)
            case Z_OK, Z_BUF_ERROR:
                if produced == 0 && stream.pointee.avail_in == 0 && inputEnded {
                    throw corrupt("unexpected end of file: the file is truncated")
                }
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                throw corrupt(message)
            }
        }
        return produced
    }
}
