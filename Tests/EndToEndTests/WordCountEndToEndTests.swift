import Foundation
import Testing

/// Runs the word-count example through the built engine-submit and checks what it saved
/// and printed against ``ReferenceWordCount``.
@Suite("word-count through engine-submit", .serialized)
struct WordCountEndToEndTests {
    /// Submits word-count on `input`, then checks exit status, `_SUCCESS`, the saved counts
    /// and the printed summary. Returns the saved output for further checks.
    @discardableResult
    func submitAndCheck(
        _ expected: ReferenceWordCount, input: String, master: String, extraSubmitOptions: [String] = [],
        jobOptions: [String] = [], in dir: TemporaryDirectory,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> SavedOutput? {
        let out = dir.child("out-\(UUID().uuidString)")
        let run = try SubmitRun.run(
            ["--master", master] + extraSubmitOptions + ["word-count", input, out] + jobOptions, in: dir)
        #expect(run.status == 0 && !run.signaled, "word-count failed:\n\(run.transcript)", sourceLocation: sourceLocation)
        guard run.status == 0 else { return nil }
        guard FileManager.default.fileExists(atPath: out) else {
            Issue.record("word-count exited 0 but saved nothing in \(out):\n\(run.transcript)", sourceLocation: sourceLocation)
            return nil
        }
        let saved = try SavedOutput(out)
        #expect(saved.hasSuccessMarker, "no _SUCCESS in \(out)", sourceLocation: sourceLocation)
        #expect(saved.problems.isEmpty, "\(saved.problems.prefix(5))", sourceLocation: sourceLocation)
        if let diff = saved.difference(from: expected.counts) {
            Issue.record("saved counts differ: \(diff)", sourceLocation: sourceLocation)
        }
        let printed = run.stdoutLines
        let wanted = expected.expectedSummary
        if printed != wanted {
            let show = { (lines: [[UInt8]]) in
                lines.map { String(decoding: $0, as: UTF8.self).debugDescription }.joined(separator: "\n") }
            Issue.record("printed summary differs.\nexpected:\n\(show(wanted))\nprinted:\n\(show(printed))",
                         sourceLocation: sourceLocation)
        }
        return saved
    }

    @Test("a skewed random text of a few MB, local[4]")
    func skewedRandomText() throws {
        let dir = try TemporaryDirectory("wc-skewed")
        defer { dir.remove() }
        let bytes = SampleText.skewed(size: 3 << 20, seed: 7)
        let input = try dir.write("skewed.txt", bytes)
        try submitAndCheck(ReferenceWordCount(bytes), input: input, master: "local[4]", in: dir)
    }

    /// A larger input cut into many byte-range splits: lines that straddle split boundaries
    /// must be counted exactly once.
    @Test("a 24 MB text in 1 MB splits, local[2], 5 reduce partitions")
    func manySplits() throws {
        let dir = try TemporaryDirectory("wc-splits")
        defer { dir.remove() }
        let bytes = SampleText.skewed(size: 24 << 20, seed: 11)
        let input = try dir.write("big.txt", bytes)
        let saved = try submitAndCheck(ReferenceWordCount(bytes), input: input, master: "local[2]",
                                       extraSubmitOptions: ["--conf", "engine.files.blockSize=1m"],
                                       jobOptions: ["--partitions", "5"], in: dir)
        #expect(saved?.partFiles.count == 5)
    }

    @Test("a directory of several files counts all of them, local[2]")
    func directoryOfFiles() throws {
        let dir = try TemporaryDirectory("wc-dir")
        defer { dir.remove() }
        let inputDir = dir.child("input")
        try FileManager.default.createDirectory(atPath: inputDir, withIntermediateDirectories: false)
        var expected = ReferenceWordCount()
        for i in 0..<4 {
            let bytes = SampleText.skewed(size: 60_000 + i * 10_000, seed: 100 + UInt64(i))
            try Data(bytes).write(to: URL(fileURLWithPath: "\(inputDir)/part\(i).txt"))
            expected.add(bytes)
        }
        #expect(expected.distinct > 100)
        try submitAndCheck(expected, input: inputDir, master: "local[2]", in: dir)
    }

    @Test("an empty file gives an empty result and _SUCCESS")
    func emptyFile() throws {
        let dir = try TemporaryDirectory("wc-empty")
        defer { dir.remove() }
        let input = try dir.write("empty.txt", [])
        let saved = try submitAndCheck(ReferenceWordCount([]), input: input, master: "local", in: dir)
        #expect(saved?.counts.isEmpty == true)
    }

    @Test("non-UTF-8 bytes, CRLF line ends, tabs, VT and FF: words are raw bytes")
    func awkwardBytes() throws {
        let dir = try TemporaryDirectory("wc-bytes")
        defer { dir.remove() }
        let input = try dir.write("awkward.txt", SampleText.awkward)
        let expected = ReferenceWordCount(SampleText.awkward)
        // The reference itself: no word keeps a CR, invalid bytes survive, case matters.
        #expect(expected.counts[Array("world".utf8)] == 3)
        #expect(expected.counts[Array("World".utf8)] == 1)
        #expect(expected.counts[[0xFF, 0xFE, 0x41]] == 2)
        #expect(expected.counts[[0x80]] == 2)
        #expect(!expected.counts.keys.contains { $0.contains(0x0D) })
        try submitAndCheck(expected, input: input, master: "local[2]", in: dir)
    }

    @Test("--partitions N gives N part files and the same counts", arguments: [1, 7])
    func partitions(_ n: Int) throws {
        let dir = try TemporaryDirectory("wc-partitions")
        defer { dir.remove() }
        let bytes = SampleText.skewed(size: 400_000, seed: 11)
        let input = try dir.write("text.txt", bytes)
        let saved = try submitAndCheck(
            ReferenceWordCount(bytes), input: input, master: "local[2]", jobOptions: ["--partitions", "\(n)"], in: dir)
        #expect(saved?.partFiles.count == n, "part files: \(saved?.partFiles ?? [])")
    }

    @Test("every local master gives the same result", arguments: ["local", "local[2]", "local[4]"])
    func masters(_ master: String) throws {
        let dir = try TemporaryDirectory("wc-master")
        defer { dir.remove() }
        let bytes = SampleText.skewed(size: 500_000, seed: 23)
        let input = try dir.write("text.txt", bytes)
        try submitAndCheck(ReferenceWordCount(bytes), input: input, master: master, in: dir)
    }

    @Test("--executor-memory, --conf and --name reach the job")
    func submitOptions() throws {
        let dir = try TemporaryDirectory("wc-options")
        defer { dir.remove() }
        let bytes = SampleText.skewed(size: 200_000, seed: 31)
        let input = try dir.write("text.txt", bytes)
        try submitAndCheck(
            ReferenceWordCount(bytes), input: input, master: "local[2]",
            extraSubmitOptions: ["--executor-memory", "256m", "--conf", "engine.shuffle.compress=false",
                                 "--conf", "engine.log.level=warning", "--name", "e2e word count"],
            in: dir)
    }
}
