import Testing
@testable import Storage

/// Independent lexicographic comparison.
func lexLess(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    for (x, y) in zip(a, b) where x != y { return x < y }
    return a.count < b.count
}

/// Independent word split.
func naiveWords(_ bytes: [UInt8]) -> [[UInt8]] {
    let ws: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]
    var words: [[UInt8]] = []
    var cur: [UInt8] = []
    for b in bytes {
        if ws.contains(b) {
            if !cur.isEmpty { words.append(cur); cur = [] }
        } else {
            cur.append(b)
        }
    }
    if !cur.isEmpty { words.append(cur) }
    return words
}

@Test func byteStringInlineHeapBoundary() {
    for n in [0, 1, 7, 8, 14, 15, 16, 17, 100] {
        let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }
        let s = ByteString(bytes)
        #expect(s.count == n)
        #expect(s.bytes == bytes)
        #expect(s.isEmpty == (n == 0))
        if case .small = s.repr { #expect(n <= 15) } else { #expect(n > 15) }
        #expect(s.withUnsafeBytes { [UInt8]($0) } == bytes)
        #expect(bytes.withUnsafeBytes { ByteString($0) } == s)
    }
}

@Test func byteStringEqualityAcrossConstructionPaths() {
    let a = ByteString("hello world, 16b")  // 16 bytes: heap
    let b = ByteString(Array("hello world, 16b".utf8))
    let c: ByteString = "hello world, 16b"
    #expect(a == b && b == c)
    #expect(a.hashValue == b.hashValue)
    let parts = ByteString("hello ").appending(ByteString("world, 16b"))
    #expect(parts == a)
    #expect(ByteString("abc").appending(ByteString("def")) == ByteString("abcdef"))
    #expect(ByteString("abc").appending(ByteString()) == ByteString("abc"))
    let small = ByteString("0123456789abcde").appending(ByteString("f"))
    #expect(small.count == 16 && small == ByteString("0123456789abcdef"))
    #expect(ByteString("a") != ByteString("a\u{0}"))
    #expect(ByteString([0]) != ByteString())
}

@Test func byteStringOrderingMatchesLexicographic() {
    var rng = SplitMix64(seed: 42)
    var values: [[UInt8]] = []
    for _ in 0..<400 {
        let n = Int.random(in: 0...24, using: &rng)
        // Small alphabet with 0x00 and 0xFF so prefixes and ties are common.
        values.append((0..<n).map { _ in [0, 1, 0x7f, 0x80, 0xff].randomElement(using: &rng)! })
    }
    for i in 0..<values.count {
        let j = Int.random(in: 0..<values.count, using: &rng)
        let a = values[i], b = values[j]
        let sa = ByteString(a), sb = ByteString(b)
        #expect((sa < sb) == lexLess(a, b), "\(a) vs \(b)")
        #expect((sa == sb) == (a == b))
        if a == b { #expect(sa.hashValue == sb.hashValue) }
    }
    let sorted = values.map { ByteString($0) }.sorted().map(\.bytes)
    #expect(sorted == values.sorted(by: lexLess))
}

@Test func byteStringHashingAsDictionaryKey() {
    var rng = SplitMix64(seed: 7)
    var dict: [ByteString: Int] = [:]
    var reference: [[UInt8]: Int] = [:]
    for i in 0..<2000 {
        let b = randomBytes(Int.random(in: 0...20, using: &rng), &rng).map { $0 % 3 }
        dict[ByteString(b), default: 0] += i
        reference[b, default: 0] += i
    }
    #expect(dict.count == reference.count)
    for (k, v) in reference { #expect(dict[ByteString(k)] == v) }
}

@Test func byteStringKeepsNonUTF8Bytes() {
    let bytes: [UInt8] = [0xff, 0xfe, 0x80, 0x00, 0xc3]
    let s = ByteString(bytes)
    #expect(s.bytes == bytes)
    #expect(s.description.unicodeScalars.contains("\u{FFFD}"))
    let long = ByteString(bytes + bytes + bytes + bytes)
    #expect(long.bytes == bytes + bytes + bytes + bytes)
    #expect(ByteString("héllo").bytes == Array("héllo".utf8))
    #expect(ByteString("héllo").description == "héllo")
}

@Test func byteStringWordsMatchNaiveSplit() {
    var rng = SplitMix64(seed: 99)
    let alphabet: [UInt8] = [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x61, 0x62, 0xff, 0x00, 0x0E, 0x1F]
    for round in 0..<300 {
        let n = Int.random(in: 0...(round < 200 ? 40 : 400), using: &rng)
        let bytes = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
        let expected = naiveWords(bytes)
        #expect(ByteString(bytes).words.map(\.bytes) == expected)
        let viaRaw = bytes.withUnsafeBytes { Array(ByteString.splitWords($0)).map(\.bytes) }
        #expect(viaRaw == expected)
    }
    #expect(Array(ByteString("").words).isEmpty)
    #expect(Array(ByteString(" \t\n\u{0B}\u{0C}\r").words).isEmpty)
    let noSpace = randomBytes(1000, &rng).map { $0 | 0x40 }
    #expect(ByteString(noSpace).words.map(\.bytes) == [noSpace])
    #expect(ByteString("  the quick\tbrown\r\nfox ").words.map(\.description) == ["the", "quick", "brown", "fox"])
}

@Test func byteStringCodableRoundTrip() throws {
    let values: [ByteString] = ["", "short", "a much longer byte string than fifteen", ByteString([0xff, 0])]
    let data = try BinaryEncoder().encode(values)
    #expect(try BinaryDecoder().decode([ByteString].self, from: data) == values)
}
