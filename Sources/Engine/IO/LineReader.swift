import Foundation

/// Reads the lines that start inside one ``FileSplit``: if the split does not begin a
/// line, the partial line is skipped (the previous split reads it); lines that start
/// before the split's end are read whole, even past it. Lines end at `\n`; a `\r`
/// before it is dropped. Bytes are not decoded.
final class LineReader {
    private let fd: Int32
    private let split: FileSplit
    private var buffer: [UInt8]
    private var bufferOffset: Int64  // file offset of buffer[0]
    private var filled = 0
    private var pos = 0
    private var eof = false
    private(set) var bytesRead: Int64 = 0

    init(_ split: FileSplit, bufferSize: Int = 1 << 20) throws(EngineError) {
        self.split = split
        fd = open(split.path, O_RDONLY)
        guard fd >= 0 else { throw .io(path: split.path, reason: String(cString: strerror(errno))) }
        buffer = [UInt8](repeating: 0, count: bufferSize)
        if split.start > 0 {
            bufferOffset = split.start - 1
            try fill()
            if filled > 0 && buffer[0] == UInt8(ascii: "\n") {
                pos = 1
            } else {
                try skipPastNewline()
            }
        } else {
            bufferOffset = 0
            try fill()
        }
    }

    deinit { close(fd) }

    private var currentOffset: Int64 { bufferOffset + Int64(pos) }

    /// Reads more bytes after `filled`, keeping `buffer[pos...]`; grows the buffer for long lines.
    private func fill() throws(EngineError) {
        if pos > 0 {
            let keep = filled - pos
            if keep > 0 {
                buffer.withUnsafeMutableBytes { b in
                    _ = memmove(b.baseAddress!, b.baseAddress! + pos, keep)
                }
            }
            bufferOffset += Int64(pos)
            filled = keep
            pos = 0
        }
        if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        let n = buffer.withUnsafeMutableBytes { b in
            pread(fd, b.baseAddress! + filled, b.count - filled, off_t(bufferOffset + Int64(filled)))
        }
        if n < 0 { throw .io(path: split.path, reason: String(cString: strerror(errno))) }
        if n == 0 { eof = true }
        filled += n
        bytesRead += Int64(n)
    }

    private func skipPastNewline() throws(EngineError) {
        while true {
            if let nl = findNewline(from: pos) {
                pos = nl + 1
                return
            }
            if eof {
                pos = filled
                return
            }
            pos = filled
            try fill()
        }
    }

    private func findNewline(from start: Int) -> Int? {
        guard start < filled else { return nil }
        return buffer.withUnsafeBytes { b -> Int? in
            guard let p = memchr(b.baseAddress! + start, Int32(UInt8(ascii: "\n")), filled - start) else { return nil }
            return UnsafeRawPointer(p) - b.baseAddress!
        }
    }

    /// Up to `maxLines` lines made by `make`, or nil when the split has no more lines.
    func nextLines<L>(max maxLines: Int, _ make: (UnsafeRawBufferPointer) -> L) throws(EngineError) -> [L]? {
        var out: [L] = []
        out.reserveCapacity(maxLines)
        while out.count < maxLines {
            if currentOffset >= split.end { break }
            if pos >= filled {
                if eof { break }
                try fill()
                continue
            }
            guard let nl = findNewline(from: pos) else {
                if eof {
                    out.append(line(pos, filled, make))
                    pos = filled
                    break
                }
                try fill()
                continue
            }
            out.append(line(pos, nl, make))
            pos = nl + 1
        }
        return out.isEmpty ? nil : out
    }

    private func line<L>(_ from: Int, _ to: Int, _ make: (UnsafeRawBufferPointer) -> L) -> L {
        var end = to
        if end > from && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return buffer.withUnsafeBytes { b in make(UnsafeRawBufferPointer(rebasing: b[from..<end])) }
    }
}
