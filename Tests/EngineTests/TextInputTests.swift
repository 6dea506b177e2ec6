import Foundation
import Testing
@testable import Engine

/// Runs `tool` with `args` (found on PATH), feeding `input`; its stdout, or nil when the tool is missing.
func runTool(_ tool: String, _ args: [String], input: [UInt8] = []) throws -> [UInt8]? {
    guard let dir = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }) else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "\(dir)/\(tool)")
    p.arguments = args
    let stdin = Pipe(), stdout = Pipe()
    p.standardInput = stdin
    p.standardOutput = stdout
    p.standardError = FileHandle.nullDevice
    try p.run()
    let writer = Thread { stdin.fileHandleForWriting.write(Data(input)); try? stdin.fileHandleForWriting.close() }
    writer.start()
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return p.terminationStatus == 0 ? [UInt8](out) : nil
}

/// Hadoop's line semantics (LF, CRLF, lone CR, byte order mark), globs and comma lists,
/// compressed files, whole-file sources: each against a computation that does not use the engine.
@Suite struct TextInputTests {
    /// Content whose line terminators are mixed (`\n`, `\r\n`, lone `\r`, `\r\r\n`), with empty
    /// lines, a byte order mark, and no terminator after the last line.
    private func mixedContent(seed: UInt64, lines: Int, bom: Bool) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        var out: [UInt8] = bom ? [0xEF, 0xBB, 0xBF] : []
        let terminators: [[UInt8]] = [[10], [13, 10], [13], [13, 13, 10], [10, 13]]
        for i in 0..<lines {
            let n = Int.random(in: 0...3, using: &rng) == 0 ? 0 : Int.random(in: 1...40, using: &rng)
            for _ in 0..<n { out.append(UInt8.random(in: 0x20...0x7E, using: &rng)) }
            if i < lines - 1 { out += terminators[Int.random(in: 0..<terminators.count, using: &rng)] }
        }
        return out
    }

    @Test(arguments: Master.both)
    func linesEndAtLFCRLFAndLoneCRAcrossEverySplitBoundary(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let content = mixedContent(seed: 11, lines: 300, bom: true)
        let path = dir.appendingPathComponent("mixed.txt").path
        try Data(content).write(to: URL(fileURLWithPath: path))
        let want = expectedLines(content).map { String(decoding: $0, as: UTF8.self) }
        #expect(want.count > 300 && !want[0].hasPrefix("\u{FEFF}") && want.contains(""))
        // Split sizes that put split boundaries at every position, also between a \r and its \n.
        for blockSize in [1, 2, 3, 7, 64, 1 << 20] {
            try withContext(master, conf: ["engine.files.blockSize": "\(blockSize)"]) { ctx throws in
                let rdd = try ctx.textFile(path)
                #expect(try rdd.collect() == want, "block size \(blockSize)")
            }
        }
    }

    @Test(arguments: Master.both)
    func byteOrderMarkOnlyAtTheStartIsDroppedAndHugeLinesAreWhole(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let huge = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)
        let content = bom + Array("first\r\n".utf8) + bom + Array("second\r".utf8) + huge + [13, 10, 13]
        let path = dir.appendingPathComponent("bom.txt").path
        try Data(content).write(to: URL(fileURLWithPath: path))
        try Data(bom).write(to: dir.appendingPathComponent("only-bom.txt"))
        try withContext(master, conf: ["engine.files.blockSize": "\(1 << 20)"]) { ctx throws in
            let got = try ctx.textFile(path).map { ($0.count, String($0.prefix(10))) }.collect()
            #expect(got.map(\.0) == [5, 7, 3 << 20, 0])
            #expect(got.map(\.1) == ["first", "\u{FEFF}second", String(repeating: "x", count: 10), ""])
            #expect(try ctx.textFile(dir.appendingPathComponent("only-bom.txt").path).count() == 0)
        }
    }

    @Test(arguments: Master.both)
    func emptyFilesGiveNoRecordsAndOnePartitionEachAsHadoop(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["a.txt", "b.txt", "d.txt"] { try Data().write(to: dir.appendingPathComponent(name)) }
        try Data("one\ntwo\n".utf8).write(to: dir.appendingPathComponent("c.txt"))
        try withContext(master) { ctx throws in
            let rdd = try ctx.textFile(dir.path, minPartitions: 1)
            #expect(rdd.numPartitions == 4, "one split per empty file and one for c.txt, as Hadoop's getSplits")
            #expect(try rdd.collect() == ["one", "two"])
            #expect(try rdd.glom().map { $0.count }.collect() == [0, 0, 2, 0])
        }
    }

    @Test(arguments: Master.both)
    func commaSeparatedPathsAndGlobPatterns(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = ["a.txt": "a1\na2\n", "b.txt": "b1\n", "c.log": "c1\nc2\nc3", "_hidden.txt": "h\n", ".dot.txt": "d\n"]
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub.txt"), withIntermediateDirectories: true)
        let d = dir.path
        try withContext(master) { ctx throws in
            #expect(try ctx.textFile("\(d)/*.txt").collect() == ["a1", "a2", "b1"])
            #expect(try ctx.textFile("\(d)/c.log,\(d)/a.txt").collect() == ["c1", "c2", "c3", "a1", "a2"])
            #expect(try ctx.textFile("\(d)/{b,c}.*").collect() == ["b1", "c1", "c2", "c3"])
            #expect(try ctx.textFile("\(d)/[ab].txt, \(d)").count() == 3 + 6)
            // A missing path and a pattern that matches nothing: Hadoop's two errors.
            let missing = #expect(throws: EngineError.self) { _ = try ctx.textFile("\(d)/a.txt,\(d)/nope.txt") }
            guard case .inputNotFound(let p)? = missing else { Issue.record("\(String(describing: missing))"); return }
            #expect(p == "\(d)/nope.txt")
            let none = #expect(throws: EngineError.self) { _ = try ctx.textFile("\(d)/*.csv") }
            #expect("\(none.map { "\($0)" } ?? "")".contains("\(d)/*.csv (input pattern matches 0 files)"))
            #expect(throws: EngineError.self) { _ = try ctx.textFile(" , ") }
        }
    }

    @Test(arguments: Master.both)
    func gzipAndLZ4FilesAreReadWholeOnePartitionEach(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = mixedContent(seed: 21, lines: 5000, bom: false) + [10] + [UInt8](repeating: 65, count: 2 << 20)
        let other = Array("x\ny\n".utf8)
        guard let gz = try runTool("gzip", ["-c"], input: plain), let gz2 = try runTool("gzip", ["-c"], input: other),
              let lz = try runTool("lz4", ["-c"], input: plain) else {
            Issue.record("gzip and lz4 must be installed for this test")
            return
        }
        try Data(gz + gz2).write(to: dir.appendingPathComponent("a.txt.gz"))  // two members, as `cat a.gz b.gz`
        try Data(lz).write(to: dir.appendingPathComponent("b.txt.lz4"))
        try Data().write(to: dir.appendingPathComponent("c.txt.gz"))
        let want = (expectedLines(plain + other) + expectedLines(plain)).map { String(decoding: $0, as: UTF8.self) }
        try withContext(master, conf: ["engine.files.blockSize": "1000"]) { ctx throws in
            let rdd = try ctx.textFile("\(dir.path)/*.gz,\(dir.path)/*.lz4", minPartitions: 8)
            #expect(rdd.numPartitions == 3, "a compressed file is not split")
            #expect(try rdd.collect() == want)
        }
    }

    @Test(arguments: Master.both)
    func damagedCompressedFilesFailWithAClearError(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = Array(String(repeating: "some line of text\n", count: 20_000).utf8)
        guard let gz = try runTool("gzip", ["-c"], input: plain), let lz = try runTool("lz4", ["-c"], input: plain) else {
            Issue.record("gzip and lz4 must be installed for this test")
            return
        }
        var flipped = gz
        flipped[gz.count / 2] ^= 0xFF
        let cases: [(String, [UInt8], String)] = [
            ("truncated.gz", Array(gz.prefix(gz.count / 2)), "corrupt gzip data"),
            ("flipped.gz", flipped, "corrupt gzip data"),
            ("plain-text.gz", plain, "corrupt gzip data"),
            ("truncated.lz4", Array(lz.prefix(lz.count / 2)), "corrupt lz4 data"),
            ("garbage.lz4", Array("not lz4 at all".utf8), "corrupt lz4 data"),
        ]
        try withContext(master, conf: ["engine.task.maxFailures": "1"]) { ctx throws in
            for (name, bytes, message) in cases {
                let path = dir.appendingPathComponent(name).path
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let error = #expect(throws: EngineError.self, "\(name)") { _ = try ctx.textFile(path).count() }
                let text = error.map { "\($0)" } ?? ""
                #expect(text.contains(message) && text.contains(name), "\(name): \(text)")
            }
        }
    }

    @Test(arguments: Master.both)
    func saveAsTextFileWithACodecWritesFilesTheToolsRead(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let records = (0..<30_000).map { "line \($0) " + String(repeating: "z", count: $0 % 50) } + ["", String(repeating: "h", count: 2 << 20)]
        try withContext(master) { ctx throws in
            for codec in CompressionCodec.allCases {
                let out = dir.appendingPathComponent("out-\(codec)").path
                try ctx.parallelize(records, numSlices: 3).saveAsTextFile(out, codec: codec)
                let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
                #expect(names == ["_SUCCESS"] + (0..<3).map { "part-0000\($0)\(codec.fileSuffix)" })
                // The standard tools read each part; together they hold every record, in order.
                var text: [UInt8] = []
                for p in 0..<3 {
                    let file = "\(out)/part-0000\(p)\(codec.fileSuffix)"
                    let tool = codec == .gzip ? try runTool("zcat", [file]) : try runTool("lz4", ["-dc", file])
                    text += try #require(tool, "\(codec) tool failed on \(file)")
                }
                #expect(text == Array((records.joined(separator: "\n") + "\n").utf8))
                #expect(try ctx.textFile(out).collect() == records)
            }
            // An empty RDD still writes valid, empty compressed files.
            let empty = dir.appendingPathComponent("empty").path
            try ctx.parallelize([String](), numSlices: 2).saveAsTextFile(empty, codec: .gzip)
            #expect(try runTool("zcat", ["\(empty)/part-00000.gz"]) == [])
            #expect(try ctx.textFile(empty).count() == 0)
        }
    }

    @Test(arguments: Master.both)
    func wholeTextFilesAndBinaryFilesGiveEachFileWhole(_ master: Master) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SeededRandom(seed: 5)
        var want: [String: [UInt8]] = [:]
        for i in 0..<9 {
            let size = i == 0 ? 0 : i == 1 ? 1 << 20 : Int.random(in: 1...5000, using: &rng)
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let path = dir.appendingPathComponent("f\(i).bin").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            want[path] = bytes
        }
        try Data("hidden".utf8).write(to: dir.appendingPathComponent("_SUCCESS"))
        let text = "héllo\r\nwörld\n"
        let gz = try #require(try runTool("gzip", ["-c"], input: Array(text.utf8)))
        let gzPath = dir.appendingPathComponent("t.txt.gz").path
        try Data(gz).write(to: URL(fileURLWithPath: gzPath))
        try withContext(master) { ctx throws in
            let binary = try ctx.binaryFiles(dir.path, minPartitions: 3)
            #expect((1...3).contains(binary.numPartitions))
            let got = Dictionary(uniqueKeysWithValues: try binary.collect())
            #expect(got == want.merging([gzPath: gz]) { a, _ in a })
            let texts = Dictionary(uniqueKeysWithValues: try ctx.wholeTextFiles("\(dir.path)/*.gz,\(dir.path)/f2.bin").collect())
            #expect(texts[gzPath] == text, "a .gz file is decompressed")
            #expect(texts["\(dir.path)/f2.bin"] == String(decoding: want["\(dir.path)/f2.bin"]!, as: UTF8.self))
            #expect(throws: EngineError.self) { _ = try ctx.wholeTextFiles("\(dir.path)/missing") }
            #expect(throws: EngineError.self) { _ = try ctx.binaryFiles("\(dir.path)/*.none") }
            let emptyDir = dir.appendingPathComponent("empty-dir").path
            try FileManager.default.createDirectory(atPath: emptyDir, withIntermediateDirectories: true)
            #expect(try ctx.wholeTextFiles(emptyDir).count() == 0)
        }
    }

    @Test(arguments: Master.both)
    func rangeOfOneArgumentAndApplicationId(_ master: Master) throws {
        try withContext(master) { ctx throws in
            #expect(try ctx.range(10).collect() == Array(0..<10))
            #expect(try ctx.range(100_003, numSlices: 7).reduce(+) == (0..<100_003).reduce(0, +))
            #expect(try ctx.range(0).collect().isEmpty && ctx.range(-5).count() == 0)
            #expect(throws: EngineError.self) { _ = try ctx.range(5, numSlices: 0) }
            if master == .local {
                #expect(ctx.applicationId.hasPrefix("local-") && Int(ctx.applicationId.dropFirst(6)) != nil, "\(ctx.applicationId)")
            } else {
                // Spark's standalone form: app-yyyyMMddHHmmss-NNNN.
                let parts = ctx.applicationId.split(separator: "-")
                #expect(parts.count == 3 && parts[0] == "app" && parts[1].count == 14 && Int(parts[1]) != nil
                        && parts[2].count == 4 && Int(parts[2]) != nil, "\(ctx.applicationId)")
            }
        }
    }
}
