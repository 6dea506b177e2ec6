import Engine
import Foundation
import Testing

/// The lines of `bytes` as a text reader must return them: split at `\n`, a `\r` before it dropped,
/// no extra empty line after a final newline.
func expectedLines(_ bytes: [UInt8]) -> [[UInt8]] {
    // As Hadoop's LineReader: a line ends at \n, \r\n or a lone \r; a UTF-8 byte order mark
    // at the start of the file is dropped; no line after a final terminator.
    var body = bytes[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    var lines: [[UInt8]] = []
    var current: [UInt8] = []
    var i = body.startIndex
    var open = false
    while i < body.endIndex {
        let b = body[i]
        if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
            lines.append(current)
            current = []
            open = false
            if b == UInt8(ascii: "\r") && i + 1 < body.endIndex && body[i + 1] == UInt8(ascii: "\n") { i += 1 }
        } else {
            current.append(b)
            open = true
        }
        i += 1
    }
    if open || (lines.isEmpty && !current.isEmpty) { lines.append(current) }
    return lines
}

/// Random file content: lines of 0 to 150 bytes, some far longer than a split, some empty,
/// some ending in CRLF, and optionally no newline after the last line.
func randomText(lines: Int, seed: UInt64, finalNewline: Bool, bytes: ClosedRange<UInt8> = 0x20...0x7E) -> [UInt8] {
    var rng = SeededRandom(seed: seed)
    var out: [UInt8] = []
    for i in 0..<lines {
        let kind = Int.random(in: 0..<10, using: &rng)
        let length = kind == 0 ? 0 : kind == 1 ? Int.random(in: 100...400, using: &rng) : Int.random(in: 1...70, using: &rng)
        for _ in 0..<length { out.append(UInt8.random(in: bytes, using: &rng)) }
        if i == lines - 1 && !finalNewline { break }
        if Int.random(in: 0..<4, using: &rng) == 0 { out.append(UInt8(ascii: "\r")) }
        out.append(UInt8(ascii: "\n"))
    }
    return out
}

@Suite("Text files")
struct TextFileTests {
    static let smallBlocks = ["engine.files.blockSize": "64"]

    @Test("a file cut into many splits yields exactly its lines, in order",
          arguments: Master.both, [(1, true), (2, false), (3, true), (4, false), (5, true), (6, false)])
    func manySplits(_ master: Master, _ file: (seed: UInt64, finalNewline: Bool)) throws {
        let (seed, finalNewline) = file
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let content = randomText(lines: 300, seed: 80 + seed, finalNewline: finalNewline)
        let path = dir.appendingPathComponent("input.txt").path
        try Data(content).write(to: URL(fileURLWithPath: path))
        let want = expectedLines(content).map { String(decoding: $0, as: UTF8.self) }
        try withContext(master, conf: Self.smallBlocks) { ctx throws in
            let rdd = try ctx.textFile(path, minPartitions: 2)
            #expect(rdd.numPartitions >= content.count / 64 - 1, "cut into 64-byte splits")
            #expect(try rdd.collect() == want)
            #expect(try rdd.count() == want.count)
            let bytes = try ctx.textFileBytes(path).collect()
            #expect(bytes.map(\.bytes) == expectedLines(content))
        }
    }

    @Test("lines of every length around the split size, so lines start at, before and after split boundaries",
          arguments: Master.both, Array(60...68))
    func boundaryLengths(_ master: Master, lineLength: Int) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var content: [UInt8] = []
        for i in 0..<40 {
            content += Array(repeating: UInt8(ascii: "a") + UInt8(i % 26), count: lineLength)
            content += i % 3 == 0 ? [13, 10] : [10]
        }
        let path = dir.appendingPathComponent("f").path
        try Data(content).write(to: URL(fileURLWithPath: path))
        try withContext(master, conf: Self.smallBlocks) { ctx throws in
            let got = try ctx.textFile(path).collect()
            #expect(got == expectedLines(content).map { String(decoding: $0, as: UTF8.self) })
        }
    }

    @Test("minPartitions shrinks splits below the block size", arguments: Master.both)
    func minPartitions(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let content = randomText(lines: 2000, seed: 90, finalNewline: true)
        let path = dir.appendingPathComponent("f").path
        try Data(content).write(to: URL(fileURLWithPath: path))
        try withContext(master) { ctx throws in
            let rdd = try ctx.textFile(path, minPartitions: 10)
            #expect(rdd.numPartitions >= 10)
            #expect(try rdd.collect() == expectedLines(content).map { String(decoding: $0, as: UTF8.self) })
            #expect(try ctx.textFile(path, minPartitions: 1).numPartitions == 1, "one 32 MiB block")
        }
    }

    @Test("a directory: visible files in name order; _ and . files and subdirectories ignored", arguments: Master.both)
    func directory(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let b = randomText(lines: 50, seed: 91, finalNewline: false)
        let a = randomText(lines: 70, seed: 92, finalNewline: true)
        try Data(b).write(to: dir.appendingPathComponent("part-b"))
        try Data(a).write(to: dir.appendingPathComponent("part-a"))
        try Data("hidden\n".utf8).write(to: dir.appendingPathComponent("_x"))
        try Data("hidden\n".utf8).write(to: dir.appendingPathComponent(".y"))
        try Data().write(to: dir.appendingPathComponent("part-c-empty"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data("nested\n".utf8).write(to: dir.appendingPathComponent("sub/part-z"))
        try withContext(master, conf: Self.smallBlocks) { ctx throws in
            let got = try ctx.textFile(dir.path).collect()
            #expect(got == (expectedLines(a) + expectedLines(b)).map { String(decoding: $0, as: UTF8.self) })
            #expect(!got.contains("hidden") && !got.contains("nested"))
        }
    }

    @Test("an empty file has no lines; a file of one newline has one empty line", arguments: Master.both)
    func emptyFiles(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty").path, newline = dir.appendingPathComponent("nl").path
        try Data().write(to: URL(fileURLWithPath: empty))
        try Data([10]).write(to: URL(fileURLWithPath: newline))
        try withContext(master, conf: Self.smallBlocks) { ctx throws in
            #expect(try ctx.textFile(empty).collect().isEmpty)
            #expect(try ctx.textFileBytes(empty).count() == 0)
            #expect(try ctx.textFile(newline).collect() == [""])
            let emptyDir = dir.appendingPathComponent("none")
            try FileManager.default.createDirectory(at: emptyDir, withIntermediateDirectories: true)
            #expect(try ctx.textFile(emptyDir.path).collect().isEmpty)
        }
    }

    @Test("a missing path is inputNotFound", arguments: Master.both)
    func missingPath(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let error = #expect(throws: EngineError.self) { _ = try ctx.textFile("/nonexistent/engine-tests/input.txt") }
            guard case .inputNotFound(let path) = error else {
                Issue.record("expected inputNotFound, got \(String(describing: error))")
                return
            }
            #expect(path == "/nonexistent/engine-tests/input.txt")
            #expect(throws: EngineError.self) { _ = try ctx.textFileBytes("/nonexistent/engine-tests") }
        }
    }

    @Test("textFileBytes keeps bytes that are not UTF-8", arguments: Master.both)
    func nonUTF8(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Every byte value, including lone \r, 0x00 and invalid UTF-8 sequences.
        let content = randomText(lines: 400, seed: 93, finalNewline: false, bytes: 0...255)
        let path = dir.appendingPathComponent("binary").path
        try Data(content).write(to: URL(fileURLWithPath: path))
        let want = expectedLines(content)
        #expect(String(validating: want.joined(), as: UTF8.self) == nil, "the test data is not UTF-8")
        try withContext(master, conf: Self.smallBlocks) { ctx throws in
            let got = try ctx.textFileBytes(path).collect()
            #expect(got.map(\.bytes) == want)
            #expect(got.reduce(0) { $0 + $1.count } == want.reduce(0) { $0 + $1.count })
            // textFile decodes, replacing invalid bytes, one String per line.
            #expect(try ctx.textFile(path).count() == want.count)
        }
    }

    @Test("more partitions asked for than bytes: one-byte splits still yield each line once", arguments: Master.both)
    func oneByteSplits(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let content = Array("a\n\nbc\r\ndef\n\nxyz".utf8)
        let path = dir.appendingPathComponent("tiny").path
        try Data(content).write(to: URL(fileURLWithPath: path))
        try withContext(master) { ctx throws in
            let rdd = try ctx.textFile(path, minPartitions: 100)
            #expect(rdd.numPartitions >= content.count - 2, "about one split per byte")
            #expect(try rdd.collect() == ["a", "", "bc", "def", "", "xyz"])
        }
    }
}
