import Foundation
import Testing

/// Bad input: a non-zero exit, exactly one line on stderr that says what is wrong, and no
/// `_SUCCESS` anywhere.
@Suite("bad input is one clear line", .serialized)
struct SubmitErrorTests {
    /// Runs engine-submit and checks the failure shape; `phrase` must appear in the line.
    func expectOneLineFailure(
        _ arguments: [String], phrase: String, prefix: String, status: Int32? = nil,
        output: String, in dir: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let run = try SubmitRun.run(arguments, in: dir)
        #expect(run.status != 0 && !run.signaled, "expected a failure:\n\(run.transcript)", sourceLocation: sourceLocation)
        if let status { #expect(run.status == status, "\(run.transcript)", sourceLocation: sourceLocation) }
        let lines = run.stderrLines
        #expect(lines.count == 1, "expected one stderr line, got \(lines.count):\n\(run.transcript)", sourceLocation: sourceLocation)
        if let line = lines.first {
            #expect(line.hasPrefix(prefix), "\(line)", sourceLocation: sourceLocation)
            #expect(line.localizedCaseInsensitiveContains(phrase), "'\(phrase)' not in: \(line)", sourceLocation: sourceLocation)
        }
        #expect(!FileManager.default.fileExists(atPath: output + "/_SUCCESS"), sourceLocation: sourceLocation)
    }

    @Test("an input that does not exist")
    func missingInput() throws {
        let dir = try TemporaryDirectory("err-input")
        defer { dir.remove() }
        let missing = dir.child("no-such-input.txt")
        let out = dir.child("out")
        try expectOneLineFailure(["--master", "local[2]", "word-count", missing, out],
                                 phrase: "does not exist", prefix: "word-count: ", status: 1, output: out, in: dir)
        #expect(!FileManager.default.fileExists(atPath: out + "/_SUCCESS"))
    }

    @Test("an output directory that already exists is left alone")
    func existingOutput() throws {
        let dir = try TemporaryDirectory("err-output")
        defer { dir.remove() }
        let input = try dir.write("in.txt", Array("a b c\n".utf8))
        let out = dir.child("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        try dir.write("out/keep.txt", Array("precious".utf8))
        try expectOneLineFailure(["--master", "local[2]", "word-count", input, out],
                                 phrase: "already exists", prefix: "word-count: ", status: 1, output: out, in: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["keep.txt"])
    }

    @Test("a malformed master URL", arguments: ["local[0]", "local[x]", "yarn", "local[", "local[-2]"])
    func badMaster(_ master: String) throws {
        let dir = try TemporaryDirectory("err-master")
        defer { dir.remove() }
        let input = try dir.write("in.txt", Array("a b c\n".utf8))
        let out = dir.child("out")
        try expectOneLineFailure(["--master", master, "word-count", input, out],
                                 phrase: "invalid master URL '\(master)'", prefix: "engine-submit: ", status: 64,
                                 output: out, in: dir)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("an unknown engine-submit option")
    func unknownOption() throws {
        let dir = try TemporaryDirectory("err-option")
        defer { dir.remove() }
        let input = try dir.write("in.txt", Array("a b c\n".utf8))
        let out = dir.child("out")
        try expectOneLineFailure(["--master", "local[2]", "--executor-cores", "2", "word-count", input, out],
                                 phrase: "unknown option '--executor-cores'", prefix: "engine-submit: ", status: 64,
                                 output: out, in: dir)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a bad --executor-memory")
    func badExecutorMemory() throws {
        let dir = try TemporaryDirectory("err-memory")
        defer { dir.remove() }
        let input = try dir.write("in.txt", Array("a b c\n".utf8))
        let out = dir.child("out")
        try expectOneLineFailure(["--master", "local[2]", "--executor-memory", "12qb", "word-count", input, out],
                                 phrase: "12qb", prefix: "engine-submit: ", status: 64, output: out, in: dir)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("malformed --conf pairs and bad values of known keys",
          arguments: ["=1", "novalue", "engine.task.maxFailures=0", "engine.executor.memory=lots"])
    func badConf(_ pair: String) throws {
        let dir = try TemporaryDirectory("err-conf")
        defer { dir.remove() }
        let input = try dir.write("in.txt", Array("a b c\n".utf8))
        let out = dir.child("out")
        let phrase = pair.hasPrefix("engine.") ? String(pair.split(separator: "=")[0]) : "--conf"
        try expectOneLineFailure(["--master", "local[2]", "--conf", pair, "word-count", input, out],
                                 phrase: phrase, prefix: "engine-submit: ", status: 64, output: out, in: dir)
    }

    @Test("a job path that does not exist")
    func missingJob() throws {
        let dir = try TemporaryDirectory("err-job")
        defer { dir.remove() }
        let job = dir.child("no-such-job")
        let out = dir.child("out")
        try expectOneLineFailure(["--master", "local[2]", job, "in", out],
                                 phrase: "does not exist", prefix: "engine-submit: ", status: 64, output: out, in: dir)
    }

    @Test("a job that is not executable")
    func notExecutableJob() throws {
        let dir = try TemporaryDirectory("err-job-x")
        defer { dir.remove() }
        let job = try dir.write("job.sh", Array("#!/bin/sh\nexit 0\n".utf8))
        let out = dir.child("out")
        try expectOneLineFailure(["--master", "local[2]", job, out],
                                 phrase: "not an executable", prefix: "engine-submit: ", status: 64, output: out, in: dir)
    }

    @Test("no JOB at all")
    func missingJobArgument() throws {
        let dir = try TemporaryDirectory("err-nojob")
        defer { dir.remove() }
        try expectOneLineFailure(["--master", "local[2]"], phrase: "missing JOB", prefix: "engine-submit: ",
                                 status: 64, output: dir.child("out"), in: dir)
    }
}
