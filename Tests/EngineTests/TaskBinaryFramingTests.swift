import Foundation
import Runtime
import Storage
import Testing
@testable import Engine

/// Task binaries and task results travel in the codec family's frames: each is refused, with the
/// frame's words, when it is of another kind, cut short or of another version.
@Suite struct TaskBinaryFramingTests {
    func context() throws -> EngineContext {
        try EngineContext(master: "local[2]", appName: "framing", conf: EngineConf(loadEnvironment: false))
    }

    @Test func localStageBinariesAreFramedAndDamagedOnesRefused() throws {
        let ctx = try context()
        defer { ctx.stop() }
        let codec = LocalTaskBinaryCodec()
        let rdd = ctx.parallelize([1, 2, 3], numSlices: 2)
        let binary = try codec.serialize(.result(rdd: rdd, function: ResultFunction<Int, Void>(.void) { _, _ in }))
        var r = ByteReader(binary)
        #expect(try SerializedFrame.readHeader(what: "a stage binary", from: &r) == SerializedFrame.Kind.localStageBinary.rawValue)
        #expect(codec.liveBinaries == 1)
        // Damaged copies do not decode, so they release nothing; the real one does.
        var otherVersion = binary
        otherVersion[0] &+= 1
        for damaged in [Array(binary.dropLast()), binary + [0], otherVersion,
                        SerializedFrame.frame(Array(binary.dropFirst(SerializedFrame.delimitedHeaderSize)), as: .stageBinary)] {
            codec.release(damaged)
            #expect(codec.liveBinaries == 1)
        }
        codec.release(binary)
        #expect(codec.liveBinaries == 0)
    }

    @Test func portableStageBinariesRefuseForeignFrames() throws {
        let ctx = try context()
        defer { ctx.stop() }
        let conf = EngineConf(loadEnvironment: false)
        let local = try LocalTaskBinaryCodec().serialize(
            .result(rdd: ctx.parallelize([1], numSlices: 1), function: ResultFunction<Int, Void>(.void) { _, _ in }))
        let cases: [(bytes: [UInt8], says: String)] = [
            (local, "expected a stage binary (kind 256) frame, found a frame of kind 257"),
            (SerializedFrame.frame([1, 2, 3], as: .stageBinary).dropLast(2), "needs 3 bytes but only 1 are there"),
            ([SerializedFrame.formatVersion &+ 1] + Array(repeating: 0, count: 10), "format version"),
            (SerializedFrame.frame([], as: .stageBinary), "record stream ends"),
        ]
        for (bytes, says) in cases {
            do {
                _ = try ReplayedStage.rebuild(Array(bytes), env: ctx.env, conf: conf)
                Issue.record("rebuilt a stage from \(bytes)")
            } catch {
                #expect("\(error)".contains("undecodable stage binary"))
                #expect("\(error)".contains(says), "\(error)")
            }
        }
    }

    @Test func resultsRoundTripInFramesAndDamagedOnesThrow() throws {
        let collect = ResultFunction<Int, Unchecked<[Int]>>(.records(Int.self, wrap: { Unchecked($0) }, unwrap: { $0.value })) { _, _ in
            Unchecked([])
        }
        for values in [[], [7], Array(-5_000..<5_000)] {
            let bytes = try collect.resultCodec.encode(Unchecked(values), framedAs: .taskResult)
            #expect(try collect.decodeEncodedResult(bytes).value == values)
            #expect(throws: StorageError.self) { try collect.decodeEncodedResult(Array(bytes.dropLast())) }
            #expect(throws: StorageError.self) { try collect.decodeEncodedResult(bytes + [0]) }
        }
        let count = ResultFunction<Int, Int>(.codable) { _, _ in 0 }
        #expect(try count.decodeEncodedResult(count.resultCodec.encode(-42, framedAs: .taskResult)) == -42)
        #expect(throws: StorageError.self) {
            try count.decodeEncodedResult(BinaryEncoder().encode(-42, framedAs: .broadcastValue))
        }
    }
}
