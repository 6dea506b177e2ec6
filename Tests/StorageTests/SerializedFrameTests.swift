import Testing
@testable import Storage

private let kind = SerializedFrame.Kind.blockChunk

/// A delimited frame of `kind` whose length field says `length`, followed by `payload`.
private func handMadeFrame(version: UInt8 = SerializedFrame.formatVersion, kind: UInt16 = kind.rawValue,
                           length: UInt64, payload: [UInt8]) -> [UInt8] {
    var w = ByteWriter()
    w.write(version)
    w.writeUInt16(kind)
    w.writeUInt64(length)
    w.write(contentsOf: payload)
    return w.bytes
}

/// The StorageError `body` throws, nil (and an issue) when it returns.
private func storageError<T>(_ body: () throws(StorageError) -> T, sourceLocation: SourceLocation = #_sourceLocation)
    -> StorageError?
{
    do {
        let v = try body()
        Issue.record("expected an error, got \(v)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// The framing of the codec family: layout, round trips, and hostile input that must throw a
/// typed error (never trap, never allocate what the input does not hold).
@Suite struct SerializedFrameTests {
    @Test func delimitedLayoutIsVersionKindLengthPayload() {
        let framed = SerializedFrame.frame([7, 8, 9], as: kind)
        #expect(framed == handMadeFrame(length: 3, payload: [7, 8, 9]))
        #expect(framed.count == SerializedFrame.delimitedHeaderSize + 3)
        #expect(framed[0] == SerializedFrame.formatVersion)
        #expect(UInt16(framed[1]) | UInt16(framed[2]) << 8 == kind.rawValue)
    }

    @Test func emptyAndLargePayloadsRoundTrip() throws {
        #expect(try SerializedFrame.payload(of: SerializedFrame.frame([], as: kind), as: kind).isEmpty)
        var rng = SplitMix64(seed: 11)
        let large = randomBytes(3 << 20, &rng)
        let framed = SerializedFrame.frame(large, as: kind)
        #expect(Array(try SerializedFrame.payload(of: framed, as: kind)) == large)

        // Frames in a stream, read one after another; the payload is written in place.
        var w = ByteWriter()
        let payloads: [[UInt8]] = [[], [1], Array(repeating: 0xFF, count: 300), randomBytes(70_000, &rng)]
        for p in payloads { SerializedFrame.write(kind, into: &w) { $0.write(contentsOf: p) } }
        var r = ByteReader(w.bytes)
        for p in payloads { #expect(Array(try SerializedFrame.read(kind, from: &r)) == p) }
        #expect(r.isAtEnd)
    }

    @Test func everyCutFrameThrowsTruncated() {
        let framed = SerializedFrame.frame(Array(0..<40), as: kind)
        for n in 0..<framed.count {
            let cut = Array(framed[..<n])
            guard case .truncated(let what, let needed, let available)? = storageError({ () throws(StorageError) in
                try SerializedFrame.payload(of: cut, as: kind)
            }) else {
                Issue.record("a frame cut to \(n) bytes throws truncated")
                continue
            }
            if n < SerializedFrame.delimitedHeaderSize {
                #expect(what.contains("header of a block chunk frame") && needed == 11 && available == n)
            } else {
                #expect(what.contains("payload of a block chunk frame") && needed == 40 && available == n - 11)
            }
        }
    }

    @Test func lengthFieldsLargerThanTheDataThrowBeforeAllocating() {
        for length: UInt64 in [5, 1 << 31, 1 << 62, UInt64(Int.max), UInt64.max] {
            let bytes = handMadeFrame(length: length, payload: [1, 2, 3, 4])
            let error = storageError { () throws(StorageError) in try SerializedFrame.payload(of: bytes, as: kind) }
            #expect(error == .truncated(what: "the payload of a block chunk frame", needed: length, available: 4))
            #expect(error?.description.contains("needs \(length) bytes but only 4 are there") == true)
            // The decoders on top refuse it the same way.
            #expect(throws: StorageError.truncated(what: "the payload of a block chunk frame", needed: length, available: 4)) {
                try BinaryDecoder().decode([Int].self, framedAs: kind, from: bytes)
            }
            #expect(throws: StorageError.self) { try ElementCodec<String>.codable.decode(bytes, framedAs: kind) }
        }
    }

    @Test func wrongVersionAndKindNameWhatWasExpected() {
        let other = handMadeFrame(version: SerializedFrame.formatVersion &+ 1, length: 1, payload: [0])
        let version = storageError { () throws(StorageError) in try SerializedFrame.payload(of: other, as: kind) }
        #expect(version == .unsupportedVersion(what: "a block chunk frame", found: SerializedFrame.formatVersion &+ 1,
                                               expected: SerializedFrame.formatVersion))
        #expect(version?.description.contains("same binary") == true)

        let result = SerializedFrame.frame([1], as: .taskResult)
        let wrongKind = storageError { () throws(StorageError) in try SerializedFrame.payload(of: result, as: kind) }
        #expect(wrongKind == .unexpectedKind(found: SerializedFrame.Kind.taskResult.rawValue,
                                              expected: "a block chunk (kind 258) frame"))
    }

    @Test func payloadsMustBeReadExactly() throws {
        // Bytes after the one frame of a buffer.
        #expect(throws: StorageError.corrupt("2 bytes follow a block chunk frame of 1 payload bytes")) {
            try SerializedFrame.payload(of: SerializedFrame.frame([1], as: kind) + [0, 0], as: kind)
        }
        // A value shorter than its frame, and one that runs past it into the next frame.
        var w = ByteWriter()
        SerializedFrame.write(kind, into: &w) { 5.write(to: &$0); 6.write(to: &$0) }
        #expect(throws: StorageError.corrupt("1 bytes left unread in a block chunk frame")) {
            try SerializedFrame.decode(w.bytes, as: kind) { (r: inout ByteReader) throws(StorageError) in try Int.read(from: &r) }
        }
        var two = ByteWriter()
        SerializedFrame.write(kind, into: &two) { $0.write(0x80) }  // a varint cut by its frame's end
        SerializedFrame.write(kind, into: &two) { $0.write(0) }
        var r = ByteReader(two.bytes)
        let end = try SerializedFrame.open(kind, from: &r)
        _ = try r.readVarInt()
        #expect(throws: StorageError.self) { try SerializedFrame.close(kind, end: end, reader: r) }
    }

    @Test func headerOfAFrameThatFillsItsBuffer() throws {
        var w = ByteWriter()
        SerializedFrame.writeHeader(.init(rawValue: 513, name: "test message"), version: 9, into: &w)
        "body".write(to: &w)
        #expect(Array(w.bytes[..<3]) == [9, 1, 2])
        var r = ByteReader(w.bytes)
        #expect(try SerializedFrame.readHeader(version: 9, what: "a test message", from: &r) == 513)
        #expect(try String.read(from: &r) == "body" && r.isAtEnd)

        var wrong = ByteReader(w.bytes)
        #expect(throws: StorageError.unsupportedVersion(what: "a test message", found: 9, expected: 8)) {
            try SerializedFrame.readHeader(version: 8, what: "a test message", from: &wrong)
        }
        var cut = ByteReader([9, 1])
        #expect(throws: StorageError.truncated(what: "the header of a test message", needed: 3, available: 2)) {
            try SerializedFrame.readHeader(version: 9, what: "a test message", from: &cut)
        }
        var empty = ByteReader([])
        #expect(throws: StorageError.self) { try SerializedFrame.readHeader(version: 9, what: "a test message", from: &empty) }
    }

    @Test func randomBytesNeverTrap() {
        var rng = SplitMix64(seed: 12)
        var threw = 0
        let good = SerializedFrame.frame(Array(0..<20), as: kind)
        for i in 0..<3000 {
            var bytes: [UInt8]
            if i % 2 == 0 {
                bytes = randomBytes(Int.random(in: 0...40, using: &rng), &rng)
            } else {
                bytes = good
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            do { _ = try SerializedFrame.payload(of: bytes, as: kind) } catch { threw += 1 }
        }
        #expect(threw > 1500)
    }
}

/// The decoders of the family on framed values: round trips of empty and large values, and
/// hostile frames.
@Suite struct FramedDecoderTests {
    @Test func binaryCoderRoundTripsFramedValues() throws {
        let enc = BinaryEncoder(), dec = BinaryDecoder()
        var rng = SplitMix64(seed: 13)
        let outer = randomOuter(&rng)
        #expect(try dec.decode(Outer.self, framedAs: .stageBinary, from: enc.encode(outer, framedAs: .stageBinary)) == outer)
        #expect(try dec.decode([Int].self, framedAs: .stageBinary, from: enc.encode([Int](), framedAs: .stageBinary)) == [])
        let big = (0..<100_000).map { _ in Int.random(in: .min ... .max, using: &rng) }
        #expect(try dec.decode([Int].self, framedAs: .taskResult, from: enc.encode(big, framedAs: .taskResult)) == big)
        // A value of another kind is refused by its kind, before its payload is read.
        let framed = try enc.encode(outer, framedAs: .stageBinary)
        #expect(throws: StorageError.unexpectedKind(found: 0x100, expected: "a broadcast value (kind 260) frame")) {
            try dec.decode(Outer.self, framedAs: .broadcastValue, from: framed)
        }
        for n in 0..<framed.count {
            #expect(throws: StorageError.self) { try dec.decode(Outer.self, framedAs: .stageBinary, from: Array(framed[..<n])) }
        }
    }

    @Test func bytesAreOneByteEachInTheCodableForm() throws {
        let bytes: [UInt8] = Array(0...255)
        let encoded = try BinaryEncoder().encode(bytes)
        #expect(encoded.count == 4 + 256, "a 4-byte count, then one byte per byte")
        #expect(try BinaryDecoder().decode([UInt8].self, from: encoded) == bytes)
        let signed: [Int8] = Array(Int8.min...Int8.max)
        #expect(try BinaryEncoder().encode(signed).count == 4 + 256)
        #expect(try BinaryDecoder().decode([Int8].self, from: BinaryEncoder().encode(signed)) == signed)
    }

    @Test func elementCodecRoundTripsFramedValues() throws {
        let strings = ElementCodec<String>.codable
        for s in ["", "x", String(repeating: "é", count: 100_000)] {
            #expect(try strings.decode(strings.encode(s, framedAs: .taskResult), framedAs: .taskResult) == s)
        }
        let pairs = ElementCodec<(Int, String)>.pair(Int.self, String.self)
        let p = try pairs.decode(pairs.encode((-3, "ab"), framedAs: .taskResult), framedAs: .taskResult)
        #expect(p.0 == -3 && p.1 == "ab")
        // Damage inside the payload, a frame cut short, bytes after it.
        var framed = try strings.encode("hello", framedAs: .taskResult)
        #expect(throws: StorageError.self) { try strings.decode(framed + [0], framedAs: .taskResult) }
        #expect(throws: StorageError.self) { try strings.decode(Array(framed.dropLast()), framedAs: .taskResult) }
        framed[SerializedFrame.delimitedHeaderSize] = 9  // the string's length, now past the frame
        #expect(throws: StorageError.self) { try strings.decode(framed, framedAs: .taskResult) }
        // The value must fill its frame.
        var two = ByteWriter()
        SerializedFrame.write(.taskResult, into: &two) { "a".write(to: &$0); "b".write(to: &$0) }
        #expect(throws: StorageError.corrupt("2 bytes left unread in a task result frame")) {
            try strings.decode(two.bytes, framedAs: .taskResult)
        }
    }

    @Test func blockSerializerFramesEachChunk() throws {
        let serializer = BlockSerializer(ElementCodec<Int>.codable)
        let chunks: [[Int]] = [[], [1, -1], Array(0..<10_000)]
        let bytes = try chunks.flatMap { try serializer.frame($0) }
        #expect(try serializer.unframe(bytes) == chunks)
        #expect(try serializer.unframe([]).isEmpty)
        for n in 1..<200 {  // cut inside the last frame
            #expect((try? serializer.unframe(Array(bytes[..<(bytes.count - n)]))) == nil)
        }
        // A chunk of another serializer's frame kind, or an unframed block, is refused.
        #expect(throws: StorageError.self) { try serializer.unframe(SerializedFrame.frame([2], as: .taskResult)) }
        #expect(throws: StorageError.self) { try serializer.unframe([2, 4, 6]) }
    }

    @Test func bytePrimitives() throws {
        var w = ByteWriter()
        w.writeUInt16(0xBEEF)
        w.writeUInt32(0)
        w.writeUInt64(0)
        w.setUInt32(0xDEAD_BEEF, at: 2)
        w.setUInt64(UInt64.max - 1, at: 6)
        w.writeVarInt(3)
        w.write(contentsOf: [1, 2, 3])
        var r = ByteReader(w.bytes)
        #expect(try r.readUInt16() == 0xBEEF)
        #expect(try r.readUInt32() == 0xDEAD_BEEF)
        #expect(try r.readUInt64() == UInt64.max - 1)
        #expect(try r.readCount(of: "things") == 3)
        #expect(Array(try r.readBytes(3)) == [1, 2, 3] && r.isAtEnd)
        var hostile = ByteWriter()
        hostile.writeVarInt(1 << 62)
        var h = ByteReader(hostile.bytes)
        #expect(throws: StorageError.corrupt("4611686018427387904 things announced but only 0 bytes left")) {
            try h.readCount(of: "things")
        }
        var one = ByteReader([1])
        #expect(throws: StorageError.self) { try one.readUInt16() }
    }
}
