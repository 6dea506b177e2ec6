import CLZ4

/// An LZ4 frame file's compressor (liblz4's frame API, default preferences, as `lz4` writes).
final class LZ4FrameEncoder: OutputEncoder {
    private let context: OpaquePointer
    private var started = false

    init() throws(EngineError) {
        var ctx: OpaquePointer?
        let rc = LZ4F_createCompressionContext(&ctx, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(rc) == 0, let ctx else { throw .io(path: "lz4", reason: "cannot start lz4 compression") }
        context = ctx
    }

    deinit { LZ4F_freeCompressionContext(context) }

    private func check(_ rc: Int) throws(EngineError) -> Int {
        guard LZ4F_isError(rc) == 0 else {
            throw .io(path: "lz4", reason: "lz4 compression failed: \(String(cString: LZ4F_getErrorName(rc)))")
        }
        return rc
    }

    private func begin(into output: inout [UInt8]) throws(EngineError) {
        guard !started else { return }
        started = true
        var header = [UInt8](repeating: 0, count: Int(LZ4F_HEADER_SIZE_MAX))
        let rc = header.withUnsafeMutableBytes { LZ4F_compressBegin(context, $0.baseAddress, $0.count, nil) }
        output.append(contentsOf: header[0..<(try check(rc))])
    }

    func compress(_ input: [UInt8], into output: inout [UInt8]) throws(EngineError) {
        try begin(into: &output)
        guard !input.isEmpty else { return }
        var out = [UInt8](repeating: 0, count: LZ4F_compressBound(input.count, nil))
        let rc = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { LZ4F_compressUpdate(context, $0.baseAddress, $0.count, src.baseAddress, src.count, nil) }
        }
        output.append(contentsOf: out[0..<(try check(rc))])
    }

    func finish(into output: inout [UInt8]) throws(EngineError) {
        try begin(into: &output)
        var out = [UInt8](repeating: 0, count: LZ4F_compressBound(0, nil) + 16)
        let rc = out.withUnsafeMutableBytes { LZ4F_compressEnd(context, $0.baseAddress, $0.count, nil) }
        output.append(contentsOf: out[0..<(try check(rc))])
    }
}
