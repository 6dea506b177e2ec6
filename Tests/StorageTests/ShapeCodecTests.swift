import Testing
@testable import Storage

/// A Codable record inside tuples, as a job's own types are.
private struct Reading: Codable, Equatable {
    var sensor: String
    var values: [Double]
}

/// A type that is not Codable, to be refused wherever it sits in a shape.
private struct Opaque: Equatable {
    var x: Int
}

/// Every record written, then read back: the same values, and every byte read.
private func roundTrip<T>(_ records: [T]) throws -> [T] {
    let codec = try ElementCodec<T>.shaped()
    var w = ByteWriter()
    for r in records { try codec.write(r, &w) }
    var r = ByteReader(w.bytes)
    var out: [T] = []
    while !r.isAtEnd { out.append(try codec.read(&r)) }
    return out
}

/// The bytes of `records` and the offset where each record ends.
private func encoded<T>(_ records: [T]) throws -> (bytes: [UInt8], ends: [Int]) {
    let codec = try ElementCodec<T>.shaped()
    var w = ByteWriter()
    var ends: [Int] = []
    for r in records {
        try codec.write(r, &w)
        ends.append(w.count)
    }
    return (w.bytes, ends)
}

/// Reads records of `T` until the end of `bytes`; throws what the codec throws.
private func readAll<T>(_ bytes: [UInt8], as _: T.Type) throws -> [T] {
    let codec = try ElementCodec<T>.shaped()
    var r = ByteReader(bytes)
    var out: [T] = []
    while !r.isAtEnd { out.append(try codec.read(&r)) }
    return out
}

@Suite("Shape codecs")
struct ShapeCodecTests {
    @Test func nestedPairsOfJoinsRoundTrip() throws {
        let joined: [(Int, (String, Double))] = [(1, ("a", 1.5)), (-7, ("", -0.0)), (Int.max, ("é\u{301}", .infinity))]
        #expect("\(try roundTrip(joined))" == "\(joined)")
        let outer: [(Int, (String?, Double?))] = [(1, (nil, 2)), (2, ("x", nil)), (3, (nil, nil))]
        #expect("\(try roundTrip(outer))" == "\(outer)")
        let grouped: [(String, ([Int], [Reading]))] = [("k", ([], [Reading(sensor: "s", values: [1, 2])])), ("", ([1, 2, 3], []))]
        #expect("\(try roundTrip(grouped))" == "\(grouped)")
    }

    @Test func arraysOptionalsAndWideTuplesRoundTrip() throws {
        let glommed: [[(Int, Int)]] = [[], [(1, 2)], [(3, 4), (5, 6), (7, 8)]]
        #expect("\(try roundTrip(glommed))" == "\(glommed)")
        let indexed: [((String, Int), Int)] = [(("a", 1), 0), (("b", 2), 1)]
        #expect("\(try roundTrip(indexed))" == "\(indexed)")
        let maybe: [(Int, String)?] = [nil, (1, "one"), nil]
        #expect("\(try roundTrip(maybe))" == "\(maybe)")
        let wide: [(Int, String, Double, Bool, Int8, [UInt16?])] = [(1, "a", 2.5, true, -3, [nil, 4]), (0, "", 0, false, 0, [])]
        #expect("\(try roundTrip(wide))" == "\(wide)")
        let deep: [(Int, ((String, Double), [(Int?, [String])]))] = [(1, (("x", 1), [(nil, ["p"]), (2, [])]))]
        #expect("\(try roundTrip(deep))" == "\(deep)")
        let labeled: [(word: String, count: Int)] = [(word: "w", count: 3), (word: "", count: -1)]
        let back = try roundTrip(labeled)
        #expect(back.map(\.word) == ["w", ""] && back.map(\.count) == [3, -1])
        let nestedLabeled: [(Int, (lo: Double, hi: Double))] = [(1, (lo: -1, hi: 1))]
        #expect("\(try roundTrip(nestedLabeled))" == "\(nestedLabeled)")
    }

    @Test func commonPairsUseTheirOwnCodecsAndMatchTheGeneralForm() throws {
        // The specialized pair codec and the composed one write the same bytes.
        let pairs: [(String, Int)] = [("a", 1), ("bb", -2)]
        let special = try encoded(pairs).bytes
        var general = ByteWriter()
        let composed = ElementCodecs.tuple(ElementCodec<String>.codable, ElementCodec<Int>.codable)
        for p in pairs { try composed.write(p, &general) }
        #expect(special == general.bytes)
        #expect("\(try roundTrip(pairs))" == "\(pairs)")
    }

    @Test func partsThatAreNotCodableAreNamed() throws {
        #expect(throws: StorageError.self) { try ElementCodec<(Int, Opaque)>.shaped() }
        do {
            _ = try ElementCodec<(String, ([Opaque], Int))>.shaped()
            Issue.record("a shape holding a non-Codable type was accepted")
        } catch {
            #expect("\(error)".contains("Opaque"))
        }
        #expect(throws: StorageError.self) { try ElementCodec<(Int, Int, Int, Int, Int, Int, Int)>.shaped() }
        #expect(throws: StorageError.self) { try ElementCodec<(Int) -> Int>.shaped() }
        #expect(throws: StorageError.self) { try ElementCodec<(Int, Any)>.shaped() }
        // The refusal is cached, and stays a refusal.
        #expect(throws: StorageError.self) { try ElementCodec<(Int, Opaque)>.shaped() }
    }

    @Test func truncatedInputThrowsExceptAtARecordBoundary() throws {
        var records: [(Int, ([String], (Double?, [Int])))] = []
        for i in 0..<40 {
            let strings: [String] = (0..<(i % 4)).map { "s\($0)é" }
            let number: Double? = i % 3 == 0 ? nil : Double(i) / 3
            let ints: [Int] = Array(0..<(i % 5))
            records.append((i * 7919, (strings, (number, ints))))
        }
        let (bytes, ends) = try encoded(records)
        for cut in 0..<bytes.count {
            let prefix = Array(bytes[..<cut])
            if let whole = ends.firstIndex(of: cut) {
                #expect("\(try readAll(prefix, as: type(of: records[0])))" == "\(Array(records[...whole]))")
            } else if cut == 0 {
                #expect(try readAll(prefix, as: type(of: records[0])).isEmpty)
            } else {
                #expect(throws: StorageError.self) { try readAll(prefix, as: type(of: records[0])) }
            }
        }
    }

    @Test func hostileBytesThrowAndNeverTrap() throws {
        // A count of 2^62 array elements is refused before anything is allocated.
        var w = ByteWriter()
        w.writeVarInt(1 << 62)
        #expect(throws: StorageError.self) { try readAll(w.bytes, as: [(Int, Int)].self) }
        #expect(throws: StorageError.self) { try readAll(w.bytes, as: [[(Int, Int)]].self) }
        // An optional tag other than 0 or 1.
        #expect(throws: StorageError.self) { try readAll([7, 2], as: (Int, String)?.self) }
        // Invalid UTF-8 where a string is expected.
        #expect(throws: StorageError.self) { try readAll([2, 1, 0xff], as: (Int, (String, Int)).self) }
        // Bytes written for another shape, read as this one, and random bytes: each either reads
        // or throws; none traps.
        let other = try encoded([(Int, (String, Double))]([(1, ("abc", 2)), (300, ("", -1))])).bytes
        _ = try? readAll(other, as: ([Int], (Double?, [String])).self)
        _ = try? readAll(other, as: [(Int, Int)?].self)
        var rng = SplitMixForTests(seed: 13)
        for _ in 0..<3000 {
            let garbage = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? readAll(garbage, as: (Int, ([String], [Double?])).self)
            _ = try? readAll(garbage, as: [(Int, (Bool, [Int8]))].self)
            _ = try? readAll(garbage, as: ((String, Int), Int)?.self)
        }
    }
}

/// A seeded generator for the random bytes above.
private struct SplitMixForTests {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
