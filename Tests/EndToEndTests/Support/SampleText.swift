/// Deterministic inputs for the end-to-end tests.
enum SampleText {
    /// A skewed random text of about `size` bytes: frequent short words, rare long ones,
    /// mixed case (`Word` and `word` are different words), separated by single or repeated
    /// spaces, tabs and newlines.
    static func skewed(size: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix(seed)
        let vocabulary: [[UInt8]] = (0..<5000).map { rank in
            let length = 1 + Int(rng.next() % UInt64(2 + rank / 400))
            var word = (0..<length).map { _ in UInt8(ascii: "a") + UInt8(rng.next() % 26) }
            if rank % 7 == 3 { word[0] -= 32 }  // some capitalised words
            return word
        }
        var out: [UInt8] = []
        out.reserveCapacity(size + 64)
        while out.count < size {
            let u = Double(rng.next() >> 11) * 0x1.0p-53
            let rank = Int(u * u * u * Double(vocabulary.count))  // strongly skewed to low ranks
            out += vocabulary[rank]
            switch rng.next() % 20 {
            case 0: out.append(UInt8(ascii: "\n"))
            case 1: out.append(UInt8(ascii: "\t"))
            case 2: out += [0x20, 0x20]
            default: out.append(0x20)
            }
        }
        return out
    }

    /// Bytes that are not UTF-8, CRLF line ends, tabs, vertical tabs, form feeds, leading
    /// and trailing blanks.
    static let awkward: [UInt8] =
        Array("  héllo\tworld\r\nhello World\r\n".utf8)
        + [0xFF, 0xFE, 0x41, 0x20, 0xC3, 0x28, 0x0D, 0x0A]      // invalid UTF-8 words "\xFF\xFEA", "\xC3("
        + Array("\tworld\u{0B}world\u{0C}héllo \r\n\r\n".utf8)
        + [0x80, 0x0A, 0xFF, 0xFE, 0x41, 0x09, 0x80]            // no final newline
        + Array(" a-b a_b a.b \"a\" a\r".utf8)

    struct SplitMix {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
