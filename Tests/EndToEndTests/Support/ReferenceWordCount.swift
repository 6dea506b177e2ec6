/// An independent word count, as the word-count example's contract defines it: words are
/// the maximal runs of bytes that are not ASCII whitespace (space, tab, LF, VT, FF, CR);
/// case-sensitive; bytes kept as they are (no UTF-8 decoding).
struct ReferenceWordCount: Equatable {
    private(set) var counts: [[UInt8]: Int] = [:]

    init() {}

    init(_ bytes: [UInt8]) { add(bytes) }

    static func isSeparator(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0B || b == 0x0C || b == 0x0D
    }

    mutating func add(_ bytes: [UInt8]) {
        var start = -1
        for i in 0...bytes.count {
            let atSeparator = i == bytes.count || Self.isSeparator(bytes[i])
            if atSeparator {
                if start >= 0 { counts[Array(bytes[start..<i]), default: 0] += 1; start = -1 }
            } else if start < 0 {
                start = i
            }
        }
    }

    var distinct: Int { counts.count }
    var total: Int { counts.values.reduce(0, +) }

    /// The `n` most frequent words: count descending, then word bytes ascending.
    func top(_ n: Int) -> [(word: [UInt8], count: Int)] {
        counts.map { (word: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.word.lexicographicallyPrecedes($1.word) }
            .prefix(n).map { $0 }
    }

    /// The stdout word-count must print: top ten as `word<TAB>count`, then the two totals.
    var expectedSummary: [[UInt8]] {
        top(10).map { $0.word + Array("\t\($0.count)".utf8) }
            + [Array("distinct words: \(distinct)".utf8), Array("total words: \(total)".utf8)]
    }
}
