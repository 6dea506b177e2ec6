import Testing
@testable import Storage

struct Inner: Codable, Equatable {
    var name: String
    var score: Double
    var tags: [String]
}

enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case rect(Int, Int)
    case empty
    case labelled(String?, inner: Inner)
}

enum Color: String, Codable, Equatable { case red, green }

struct Outer: Codable, Equatable {
    var id: Int
    var small: Int8
    var flags: [Bool]
    var maybe: Int?
    var maybeString: String?
    var nested: Inner?
    var shapes: [Shape]
    var counts: [String: Int]
    var byKey: [Int: [UInt16]]
    var color: Color
    var nestedOptional: Int??
    var bytes: ByteString
    var unsigned: UInt64
    var f: Float
}

struct Empty: Codable, Equatable {}

func randomString(_ rng: inout SplitMix64) -> String {
    let scalars = ["a", "é", "中", "🙂", " ", "\u{0}", "z"]
    return (0..<Int.random(in: 0...8, using: &rng)).map { _ in scalars.randomElement(using: &rng)! }.joined()
}

func randomOuter(_ rng: inout SplitMix64) -> Outer {
    func inner() -> Inner {
        Inner(name: randomString(&rng), score: Double.random(in: -1e9...1e9, using: &rng),
              tags: (0..<Int.random(in: 0...3, using: &rng)).map { _ in randomString(&rng) })
    }
    let shapes: [Shape] = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return .circle(radius: Double.random(in: 0...10, using: &rng))
        case 1: return .rect(Int.random(in: Int.min...Int.max, using: &rng), -3)
        case 2: return .empty
        default: return .labelled(Bool.random(using: &rng) ? nil : randomString(&rng), inner: inner())
        }
    }
    var counts: [String: Int] = [:]
    for _ in 0..<Int.random(in: 0...5, using: &rng) { counts[randomString(&rng)] = Int.random(in: -100...100, using: &rng) }
    return Outer(
        id: Int.random(in: Int.min...Int.max, using: &rng), small: Int8.random(in: -128...127, using: &rng),
        flags: (0..<Int.random(in: 0...5, using: &rng)).map { _ in Bool.random(using: &rng) },
        maybe: Bool.random(using: &rng) ? nil : Int.random(in: -5...5, using: &rng),
        maybeString: Bool.random(using: &rng) ? nil : randomString(&rng),
        nested: Bool.random(using: &rng) ? nil : inner(), shapes: shapes, counts: counts,
        byKey: [Int.random(in: 0...9, using: &rng): [1, 65535]],
        color: Bool.random(using: &rng) ? .red : .green,
        nestedOptional: [.none, .some(.none), .some(.some(7))].randomElement(using: &rng)!,
        bytes: ByteString(randomBytes(Int.random(in: 0...30, using: &rng), &rng)),
        unsigned: UInt64.random(in: 0...UInt64.max, using: &rng), f: Float.random(in: -1...1, using: &rng))
}

@Test func codableRoundTripsRandomNestedValues() throws {
    var rng = SplitMix64(seed: 1)
    let codec = ElementCodec<Outer>.codable
    #expect(!ElementCodec<Outer>.usesBinaryRecord)
    var writer = ByteWriter()
    var values: [Outer] = []
    for _ in 0..<300 {
        let v = randomOuter(&rng)
        values.append(v)
        try codec.write(v, &writer)
    }
    var reader = ByteReader(writer.bytes)
    for v in values { #expect(try codec.read(&reader) == v) }
    #expect(reader.isAtEnd)
}

@Test func codableEdgeCases() throws {
    let enc = BinaryEncoder(), dec = BinaryDecoder()
    #expect(try dec.decode([Empty].self, from: enc.encode([Empty(), Empty()])) == [Empty(), Empty()])
    #expect(try dec.decode([Int?].self, from: enc.encode([nil, 0, nil, 5])) == [nil, 0, nil, 5])
    #expect(try dec.decode([[Int]].self, from: enc.encode([[], [1], [2, 3]])) == [[], [1], [2, 3]])
    #expect(try dec.decode(Shape.self, from: enc.encode(Shape.empty)) == .empty)
    #expect(try dec.decode(String.self, from: enc.encode("")) == "")
    #expect(try dec.decode([String: [String: Int]].self, from: enc.encode(["a": ["b": 1]])) == ["a": ["b": 1]])
}

@Test func binaryRecordRoundTripsRandomValues() throws {
    var rng = SplitMix64(seed: 2)
    var w = ByteWriter()
    let ints = (0..<500).map { _ in Int.random(in: Int.min...Int.max, using: &rng) } + [0, -1, Int.min, Int.max]
    let u8s: [UInt8] = [0, 1, 255]
    let i16s: [Int16] = [.min, -1, 0, .max]
    let u32s: [UInt32] = [0, 127, 128, .max]
    let doubles: [Double] = [0, -0.0, .infinity, -.infinity, .pi, .leastNonzeroMagnitude]
    let strings = (0..<50).map { _ in randomString(&rng) }
    let optionals: [Int64?] = [nil, 5, nil, .min]
    let nested: [[ByteString]] = [[], ["a", "0123456789abcdefgh"]]
    ints.write(to: &w); u8s.write(to: &w); i16s.write(to: &w); u32s.write(to: &w)
    doubles.write(to: &w); strings.write(to: &w); optionals.write(to: &w); nested.write(to: &w)
    Float.nan.write(to: &w); true.write(to: &w); UInt.max.write(to: &w); Int8.min.write(to: &w); Int32.min.write(to: &w)
    var r = ByteReader(w.bytes)
    #expect(try [Int].read(from: &r) == ints)
    #expect(try [UInt8].read(from: &r) == u8s)
    #expect(try [Int16].read(from: &r) == i16s)
    #expect(try [UInt32].read(from: &r) == u32s)
    #expect(try [Double].read(from: &r).map(\.bitPattern) == doubles.map(\.bitPattern))
    #expect(try [String].read(from: &r) == strings)
    #expect(try [Int64?].read(from: &r) == optionals)
    #expect(try [[ByteString]].read(from: &r) == nested)
    #expect(try Float.read(from: &r).isNaN)
    #expect(try Bool.read(from: &r) == true)
    #expect(try UInt.read(from: &r) == UInt.max)
    #expect(try Int8.read(from: &r) == Int8.min)
    #expect(try Int32.read(from: &r) == Int32.min)
    #expect(r.isAtEnd)
}

@Test func codableElementCodecUsesFastPathForBinaryRecords() throws {
    let codec = ElementCodec<[String]>.codable
    #expect(ElementCodec<[String]>.usesBinaryRecord)
    var w = ByteWriter()
    try codec.write(["x", "yz"], &w)
    var expected = ByteWriter()
    ["x", "yz"].write(to: &expected)
    #expect(w.bytes == expected.bytes)
    var r = ByteReader(w.bytes)
    #expect(try codec.read(&r) == ["x", "yz"])
    #expect(ElementCodec<Int>.usesBinaryRecord)
    #expect(!ElementCodec<[String: Int]>.usesBinaryRecord)
}

@Test func truncatedInputThrowsInsteadOfCrashing() throws {
    var rng = SplitMix64(seed: 3)
    let value = randomOuter(&rng)
    let full = try BinaryEncoder().encode(value)
    for cut in 0..<full.count {
        #expect(throws: StorageError.self) { try BinaryDecoder().decode(Outer.self, from: Array(full[0..<cut])) }
    }
    var w = ByteWriter()
    ["hello", "world"].write(to: &w)
    for cut in 0..<w.bytes.count {
        var r = ByteReader(Array(w.bytes[0..<cut]))
        #expect(throws: StorageError.self) { try [String].read(from: &r) }
    }
}

@Test func garbageInputThrowsOrDecodesButNeverCrashes() {
    var rng = SplitMix64(seed: 4)
    var threw = 0
    for _ in 0..<2000 {
        let junk = randomBytes(Int.random(in: 0...64, using: &rng), &rng)
        do { _ = try BinaryDecoder().decode(Outer.self, from: junk) } catch { threw += 1 }
        var r = ByteReader(junk)
        do { _ = try [String?].read(from: &r) } catch { threw += 1 }
    }
    #expect(threw > 3000)
    // Hostile counts: a huge array length must be refused, not allocated.
    var w = ByteWriter()
    w.writeVarInt(UInt64.max >> 2)
    var r = ByteReader(w.bytes)
    #expect(throws: StorageError.self) { try [Int].read(from: &r) }
    var hostile = ByteWriter()
    hostile.writeUInt32(.max)
    #expect(throws: StorageError.self) { try BinaryDecoder().decode([Int].self, from: hostile.bytes) }
    #expect(throws: StorageError.self) { try BinaryDecoder().decode(Bool.self, from: [2]) }
    var badUTF8 = ByteWriter()
    [UInt8]([0xff, 0xfe]).withUnsafeBytes { badUTF8.writeLengthPrefixed($0) }
    var r2 = ByteReader(badUTF8.bytes)
    #expect(throws: StorageError.self) { try String.read(from: &r2) }
}
