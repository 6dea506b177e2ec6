import Testing

@testable import Network

extension NetworkSuite {
    @Suite struct FrameDecoderTests {
        let payloads: [[UInt8]] = [Array("hello".utf8), [], testBytes(count: 300, seed: 3), [42]]

        var stream: [UInt8] { payloads.flatMap { FrameEncoder.encode($0) } }

        @Test func encodesLengthVersionPayload() {
            #expect(FrameEncoder.encode([7, 8]) == [3, 0, 0, 0, 1, 7, 8])
            #expect(FrameEncoder.encode([UInt8]()) == [1, 0, 0, 0, 1])
        }

        @Test func framesSplitAtEveryByteBoundary() throws {
            let bytes = stream
            for split in 0...bytes.count {
                var decoder = FrameDecoder(maxFrameSize: 1024)
                var out = try bytes[..<split].withUnsafeBytes { try decoder.feed($0) }
                out += try bytes[split...].withUnsafeBytes { try decoder.feed($0) }
                #expect(out == payloads, "split at byte \(split)")
            }
        }

        @Test func oneByteAtATime() throws {
            var decoder = FrameDecoder(maxFrameSize: 1024)
            var out: [[UInt8]] = []
            for byte in stream {
                out += try [byte].withUnsafeBytes { try decoder.feed($0) }
            }
            #expect(out == payloads)
        }

        @Test func severalFramesInOneFeed() throws {
            var decoder = FrameDecoder(maxFrameSize: 1024)
            let out = try stream.withUnsafeBytes { try decoder.feed($0) }
            #expect(out == payloads)
            #expect(try [UInt8]().withUnsafeBytes { try decoder.feed($0) } == [])
        }

        @Test func emptyPayload() throws {
            var decoder = FrameDecoder(maxFrameSize: 1)
            let out = try FrameEncoder.encode([UInt8]()).withUnsafeBytes { try decoder.feed($0) }
            #expect(out == [[]])
        }

        @Test func exactlyAtTheLimitIsAccepted() throws {
            // The limit bounds the length field: version byte + payload.
            var decoder = FrameDecoder(maxFrameSize: 100)
            let payload = testBytes(count: 99)
            let out = try FrameEncoder.encode(payload).withUnsafeBytes { try decoder.feed($0) }
            #expect(out == [payload])
        }

        @Test func oneOverTheLimitFailsAsSoonAsTheLengthIsIn() {
            var decoder = FrameDecoder(maxFrameSize: 100)
            let frame = FrameEncoder.encode(testBytes(count: 100))
            #expect(throws: FrameError.tooLarge(size: 101, limit: 100)) {
                try frame[..<4].withUnsafeBytes { try decoder.feed($0) }
            }
            // It stays failed: the stream position is lost.
            #expect(throws: FrameError.tooLarge(size: 101, limit: 100)) {
                try frame[4...].withUnsafeBytes { try decoder.feed($0) }
            }
        }

        @Test func badVersion() throws {
            var decoder = FrameDecoder(maxFrameSize: 100)
            let good = FrameEncoder.encode([1, 2, 3])
            let bad: [UInt8] = [2, 0, 0, 0, 7, 9]
            var out: [DecodedFrame] = []
            #expect(throws: FrameError.badVersion(7)) {
                try (good + bad).withUnsafeBytes { try decoder.decode($0, into: &out) }
            }
            #expect(out.map(\.body) == [[1, 2, 3]], "frames before the bad one are kept")
            #expect(FrameError.badVersion(7).description.contains("version byte is 7"))
        }

        @Test func zeroLengthIsMalformed() {
            var decoder = FrameDecoder(maxFrameSize: 100)
            #expect(throws: FrameError.empty) { try [0, 0, 0, 0].withUnsafeBytes { try decoder.feed($0) } }
        }

        @Test func headIsSplitFromBody() throws {
            var decoder = FrameDecoder(maxFrameSize: 100, headSize: 3)
            var out: [DecodedFrame] = []
            let bytes = FrameEncoder.encode([1, 2, 3, 4, 5]) + FrameEncoder.encode([9]) + FrameEncoder.encode([UInt8]())
            try bytes.withUnsafeBytes { try decoder.decode($0, into: &out) }
            #expect(out.map(\.head) == [[1, 2, 3], [9], []])
            #expect(out.map(\.body) == [[4, 5], [], []])
        }
    }
}
