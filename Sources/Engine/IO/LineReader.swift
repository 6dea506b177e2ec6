import Foundation

/// Reads the lines that start inside one ``FileSplit``, as Hadoop's LineRecordReader: a line
/// ends at `\n`, `\r\n` or a lone `\r` (the terminator is not part of it); a line belongs to
/// the split in which its first byte lies, and is read whole even past the split's end. A split
/// that does not begin a line skips the partial line (the previous split reads it), including a
/// `\r` ending the previous split whose `\n` begins this one. A UTF-8 byte order mark at the
/// start of the file is dropped. Bytes are not decoded.
///
/// A compressed file (see ``InputCodec``) is one split, read through its decompressor.
final class LineReader {
    private let source: any ByteSource
    private let path: String
    private let start: Int64
    private let end: Int64
    private var buffer: [UInt8]
    private var bufferOffset: Int64  // offset in the (decompressed) file of buffer[0]
    private var filled = 0
    private var pos = 0
    private var eof = false
    /// True until the file's first line was read (its byte order mark is dropped).
    private var atFileStart: Bool
    /// The next `\r` at or after the last search start (`crEnd` when none before `crEnd`).
    private var crPos = 0
    private var crEnd = 0
    /// Bytes read from the file (compressed bytes for a compressed file).
    var bytesRead: Int64 { source.bytesRead }

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    init(_ split: FileSplit, bufferSize: Int = 1 << 20) throws(EngineError) {
        path = split.path
        if let codec = InputCodec(path: split.path) {
            // Unsplittable: the split is the whole file, read from its start.
            source = try codec.open(split.path)
            start = 0
            end = Int64.max
        } else {
            source = try PlainFileSource(split.path)
            start = split.start
            end = split.end
        }
        buffer = [UInt8](repeating: 0, count: Swift.max(bufferSize, 16))
        atFileStart = start == 0
        if start > 0 {
            bufferOffset = start - 1
            try fill()
            try skipToFirstLine()
        } else {
            bufferOffset = 0
            try fill()
        }
    }

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
            crPos = 0
            crEnd = 0
        }
        if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        let offset = bufferOffset + Int64(filled)
        let from = filled
        let read = buffer.withUnsafeMutableBytes { b -> Result<Int, EngineError> in
            do throws(EngineError) {
                return .success(try source.read(into: UnsafeMutableRawBufferPointer(rebasing: b[from...]), at: offset))
            } catch {
                return .failure(error)
            }
        }
        let n = try read.get()
        if n == 0 { eof = true }
        filled += n
    }

    /// The byte after `index`, filling the buffer if needed; nil at the end of the file.
    private func byte(after index: Int) throws(EngineError) -> (value: UInt8?, index: Int) {
        var i = index
        while i + 1 >= filled && !eof {
            let before = pos
            try fill()
            i -= before - pos
        }
        return (i + 1 < filled ? buffer[i + 1] : nil, i)
    }

    /// The split starts at `start`; `buffer[0]` is the byte before it. Moves `pos` to the first
    /// line that starts at or after `start`.
    private func skipToFirstLine() throws(EngineError) {
        guard filled > 0 else { return }
        if buffer[0] == Self.lf {
            pos = 1
            return
        }
        if buffer[0] == Self.cr {
            let next = try byte(after: 0)
            pos = next.index + (next.value == Self.lf ? 2 : 1)
            return
        }
        while true {
            guard let t = findTerminator(from: pos) else {
                if eof {
                    pos = filled
                    return
                }
                pos = filled
                try fill()
                continue
            }
            pos = try afterTerminator(t)
            return
        }
    }

    /// The index just past the terminator at `t` (`\r\n` counts as one).
    private func afterTerminator(_ t: Int) throws(EngineError) -> Int {
        guard buffer[t] == Self.cr else { return t + 1 }
        let next = try byte(after: t)
        return next.index + (next.value == Self.lf ? 2 : 1)
    }

    /// The first `\n` or `\r` in `buffer[from..<filled]`.
    private func findTerminator(from: Int) -> Int? {
        guard from < filled else { return nil }
        return buffer.withUnsafeBytes { b -> Int? in
            let base = b.baseAddress!
            // `\r` is rare: one search per buffer fill finds the next one, reused until passed;
            // then `\n` is searched for only before it.
            if from > crPos || (crPos == crEnd && crEnd < filled) {
                let scan = from > crPos ? from : crEnd
                crPos = memchr(base + scan, Int32(Self.cr), filled - scan).map { UnsafeRawPointer($0) - base } ?? filled
                crEnd = filled
            }
            if crPos > from, let nl = memchr(base + from, Int32(Self.lf), crPos - from) {
                return UnsafeRawPointer(nl) - base
            }
            return crPos < crEnd ? crPos : nil
        }
    }

    /// Up to `maxLines` lines made by `make`, or nil when the split has no more lines.
    func nextLines<L>(max maxLines: Int, _ make: (UnsafeRawBufferPointer) -> L) throws(EngineError) -> [L]? {
        var out: [L] = []
        out.reserveCapacity(maxLines)
        while out.count < maxLines {
            if currentOffset >= end { break }
            if pos >= filled {
                if eof { break }
                try fill()
                continue
            }
            guard let t = findTerminator(from: pos) else {
                if eof {
                    // A file of only a byte order mark has no line, as Hadoop reads it.
                    if !(atFileStart && filled - pos == 3 && startsWithBOM(pos)) { out.append(line(pos, filled, make)) }
                    pos = filled
                    break
                }
                try fill()
                continue
            }
            if buffer[t] == Self.cr && t + 1 >= filled && !eof {
                try fill()  // a `\r` at the end of the buffer: is a `\n` next?
                continue
            }
            out.append(line(pos, t, make))
            pos = try afterTerminator(t)
        }
        return out.isEmpty ? nil : out
    }

    private func startsWithBOM(_ i: Int) -> Bool {
        i + 3 <= filled && buffer[i] == 0xEF && buffer[i + 1] == 0xBB && buffer[i + 2] == 0xBF
    }

    private func line<L>(_ from: Int, _ to: Int, _ make: (UnsafeRawBufferPointer) -> L) -> L {
        var from = from
        if atFileStart {
            atFileStart = false
            if to - from >= 3 && startsWithBOM(from) { from += 3 }
        }
        return buffer.withUnsafeBytes { b in make(UnsafeRawBufferPointer(rebasing: b[from..<to])) }
    }
}
