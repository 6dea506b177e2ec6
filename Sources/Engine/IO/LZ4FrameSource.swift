import CLZ4
import Foundation

/// The decompressed bytes of an LZ4 frame file (`lz4` the command's format; concatenated frames
/// included). A damaged or truncated file fails with `EngineError.io` naming it.
final class LZ4FrameSource: ByteSource {
    private let file: SequentialFile
    private let context: OpaquePointer
    private let input: UnsafeMutablePointer<UInt8>
    private let inputSize = 64 * 1024
    private var inputStart = 0
    private var inputCount = 0
    private var inputEnded = false
    /// True between frames (nothing of a frame pending).
    private var atFrameBoundary = true
    private(set) var bytesRead: Int64 = 0

    init(_ path: String) throws(EngineError) {
        file = try SequentialFile(path)
        var ctx: OpaquePointer?
        let rc = LZ4F_createDecompressionContext(&ctx, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(rc) == 0, let ctx else {
            throw .io(path: path, reason: "cannot start lz4 decompression")
        }
        context = ctx
        input = .allocate(capacity: inputSize)
    }

    deinit {
        LZ4F_freeDecompressionContext(context)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(EngineError) -> Int {
        guard buffer.count > 0 else { return 0 }
        var produced = 0
        while produced == 0 {
            if inputCount == 0 {
                if inputEnded { break }
                let n = try file.readSome(input, inputSize)
                if n == 0 {
                    inputEnded = true
                    break
                }
                bytesRead += Int64(n)
                inputStart = 0
                inputCount = n
            }
            var dstSize = buffer.count
            var srcSize = inputCount
            let hint = LZ4F_decompress(context, buffer.baseAddress, &dstSize, input + inputStart, &srcSize, nil)
            if LZ4F_isError(hint) != 0 {
                let name = String(cString: LZ4F_getErrorName(hint))
                throw .io(path: file.path, reason: "corrupt lz4 data (\(name)); the file is damaged or not an lz4 "
                          + "frame file: check it with 'lz4 -t'")
            }
            inputStart += srcSize
            inputCount -= srcSize
            produced = dstSize
            atFrameBoundary = hint == 0
        }
        if produced == 0 && !atFrameBoundary {
            throw .io(path: file.path, reason: "corrupt lz4 data (unexpected end of file: the file is truncated); "
                      + "check it with 'lz4 -t'")
        }
        return produced
    }
}
