import Testing
@testable import Storage

/// Independent Adler-32, straight from RFC 1950.
func referenceAdler32(_ data: [UInt8]) -> UInt32 {
    var a: UInt32 = 1, b: UInt32 = 0
    for d in data {
        a = (a + UInt32(d)) % 65521
        b = (b + a) % 65521
    }
    return (b << 16) | a
}

@Test func adler32MatchesReference() {
    var rng = SplitMix64(seed: 5)
    #expect([UInt8]("Wikipedia".utf8).withUnsafeBytes { Checksum.adler32($0) } == 0x11E6_0398)
    for n in [0, 1, 5551, 5552, 5553, 100_000] {
        let data = n == 100_000 ? [UInt8](repeating: 255, count: n) : randomBytes(n, &rng)
        #expect(data.withUnsafeBytes { Checksum.adler32($0) } == referenceAdler32(data))
    }
}

@Test func lz4RoundTrips() throws {
    var rng = SplitMix64(seed: 6)
    let blockSize = 64 * 1024
    let cases: [[UInt8]] = [
        [], [42],
        randomBytes(1 << 20, &rng),
        (0..<(10 << 20)).map { UInt8(truncatingIfNeeded: ($0 / 1000) % 7) },
        [UInt8](repeating: 9, count: blockSize), [UInt8](repeating: 9, count: blockSize + 1),
        [UInt8](repeating: 9, count: blockSize - 1), randomBytes(3 * blockSize, &rng),
    ]
    for input in cases {
        let compressed = LZ4BlockCodec.compress(input)
        #expect(try LZ4BlockCodec.decompress(compressed) == input)
    }
    #expect(LZ4BlockCodec.compress([]).isEmpty)
    let compressible = cases[3]
    #expect(LZ4BlockCodec.compress(compressible).count < compressible.count / 20)
    // Incompressible data is stored raw: small overhead only.
    let random = cases[2]
    #expect(LZ4BlockCodec.compress(random).count <= random.count + 13 * (random.count / blockSize + 1))
    // Tiny block sizes and concatenated streams.
    let small = randomBytes(1000, &rng)
    let a = LZ4BlockCodec.compress(small, blockSize: 7)
    let b = LZ4BlockCodec.compress(compressible.prefix(5000).map { $0 })
    #expect(try LZ4BlockCodec.decompress(a + b) == small + compressible.prefix(5000))
}

@Test func lz4DetectsCorruption() throws {
    var rng = SplitMix64(seed: 8)
    let input = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 251) } + randomBytes(70_000, &rng)
    let compressed = LZ4BlockCodec.compress(input)
    var detected = 0
    for _ in 0..<60 {
        var damaged = compressed
        let i = Int.random(in: 0..<damaged.count, using: &rng)
        damaged[i] ^= UInt8.random(in: 1...255, using: &rng)
        do {
            let out = try LZ4BlockCodec.decompress(damaged)
            Issue.record("flip at \(i) not detected (output \(out == input ? "equal" : "different"))")
        } catch {
            detected += 1
        }
    }
    #expect(detected == 60)
    for cut in [1, 12, 13, 14, compressed.count / 2, compressed.count - 1] {
        #expect(throws: StorageError.self) { try LZ4BlockCodec.decompress(Array(compressed[0..<cut])) }
    }
    // A header claiming a huge block is refused before allocating.
    var header: [UInt8] = [LZ4BlockCodec.compressedMagic]
    for v: UInt32 in [.max, 4, 0] { withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) } }
    #expect(throws: StorageError.self) { try LZ4BlockCodec.decompress(header + [1, 2, 3, 4]) }
}
