#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A deterministic Zipf-distributed text, the shape of /work/shared/bench/gen_text.py:
/// lowercase a-z words, single spaces, 5–15 words a line, no empty lines; the word of rank r
/// has length ≈ round(1.5 + 0.6 ln r + N(0,1)) clipped to 2…16, so frequent words are short.
/// The same (seed, vocab, zipf, size) gives the same bytes (not the same bytes as the Python
/// script: the random streams differ). The text is cut after the last whole line that fits.
struct TextGenerator {
    /// Distinct words, `vocabulary` of them, concatenated; word i is bytes[offsets[i]..<offsets[i+1]].
    private let wordBytes: [UInt8]
    private let offsets: [Int]
    private let sampler: ZipfSampler
    private var rng: RandomSource

    init(seed: UInt64, vocabulary: Int, zipf: Double) {
        var rng = RandomSource(seed: seed)
        var seen = Set<[UInt8]>(minimumCapacity: vocabulary)
        var bytes: [UInt8] = []
        var offsets = [0]
        bytes.reserveCapacity(vocabulary * 8)
        for rank in 1...vocabulary {
            let raw = (1.5 + 0.6 * log(Double(rank)) + rng.normal()).rounded()
            var length = Int(min(max(raw, 2), 16))
            var word = Self.randomWord(length, &rng)
            while !seen.insert(word).inserted {  // collision: redraw, growing the word
                length = min(length + 1, 16)
                word = Self.randomWord(length, &rng)
            }
            bytes += word
            offsets.append(bytes.count)
        }
        self.wordBytes = bytes
        self.offsets = offsets
        self.sampler = ZipfSampler(count: vocabulary, exponent: zipf)
        self.rng = rng
    }

    private static func randomWord(_ length: Int, _ rng: inout RandomSource) -> [UInt8] {
        (0..<length).map { _ in UInt8(ascii: "a") + UInt8(rng.below(26)) }
    }

    /// Writes at most `size` bytes to `fd` in large chunks; returns the bytes written.
    mutating func write(size: Int, to fd: Int32) throws(GenError) -> Int {
        let chunkCapacity = 8 << 20
        var chunk = [UInt8](repeating: 0, count: chunkCapacity + 512)
        var written = 0
        var done = false
        while !done {
            var used = 0
            var lastLineEnd = 0
            // Fill the chunk with whole lines.
            wordBytes.withUnsafeBufferPointer { words in
                chunk.withUnsafeMutableBufferPointer { out in
                    while used < chunkCapacity {
                        let count = 5 + rng.below(11)
                        for i in 0..<count {
                            let w = sampler.sample(&rng)
                            let start = offsets[w], end = offsets[w + 1]
                            for j in start..<end { out[used] = words[j]; used += 1 }
                            out[used] = i == count - 1 ? UInt8(ascii: "\n") : UInt8(ascii: " ")
                            used += 1
                        }
                        lastLineEnd = used
                        if written + lastLineEnd > size { break }
                    }
                }
            }
            var length = lastLineEnd
            if written + length > size {
                // Cut at the last whole line that fits.
                let room = size - written
                length = 0
                var i = min(room, used) - 1
                while i >= 0 { if chunk[i] == UInt8(ascii: "\n") { length = i + 1; break }; i -= 1 }
                done = true
            }
            try Self.writeAll(fd, chunk, length)
            written += length
        }
        return written
    }

    private static func writeAll(_ fd: Int32, _ buffer: [UInt8], _ count: Int) throws(GenError) {
        var offset = 0
        while offset < count {
            let n = buffer.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + offset, count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw GenError(message: "write failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}

/// A generation failure, printed as one line.
struct GenError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The C library's write(2), named apart from ``TextGenerator/write(size:to:)``.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
