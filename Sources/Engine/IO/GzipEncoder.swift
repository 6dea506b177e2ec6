import CZlib

/// A gzip file's compressor (zlib's deflate with a gzip header, level 6 as `gzip`'s default).
final class GzipEncoder: OutputEncoder {
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch = [UInt8](repeating: 0, count: 1 << 16)

    init() throws(EngineError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: a gzip header and trailer rather than zlib's.
        let rc = deflateInit2_(stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                               Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            throw .io(path: "gzip", reason: "cannot start gzip compression (zlib error \(rc))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    func compress(_ input: [UInt8], into output: inout [UInt8]) throws(EngineError) {
        try run(input, flush: Z_NO_FLUSH, into: &output)
    }

    func finish(into output: inout [UInt8]) throws(EngineError) {
        try run([], flush: Z_FINISH, into: &output)
    }

    private func run(_ input: [UInt8], flush: Int32, into output: inout [UInt8]) throws(EngineError) {
        var failure: Int32?
        input.withUnsafeBufferPointer { src in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
            stream.pointee.avail_in = UInt32(src.count)
            scratch.withUnsafeMutableBufferPointer { dst in
                while true {
                    stream.pointee.next_out = dst.baseAddress
                    stream.pointee.avail_out = UInt32(dst.count)
                    let rc = deflate(stream, flush)
                    let produced = dst.count - Int(stream.pointee.avail_out)
                    output.append(contentsOf: dst[0..<produced])
                    if rc == Z_STREAM_END { return }
                    if rc != Z_OK && rc != Z_BUF_ERROR {
                        failure = rc
                        return
                    }
                    // Done with this input once zlib left output room and took every byte.
                    if flush == Z_NO_FLUSH && stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return }
                }
            }
            stream.pointee.next_in = nil
        }
        if let failure { throw .io(path: "gzip", reason: "gzip compression failed (zlib error \(failure))") }
    }
}
