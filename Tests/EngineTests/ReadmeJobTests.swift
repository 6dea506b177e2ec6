import Foundation
import Testing
@testable import Engine

/// The ten-line job of the README, run as written (with a context instead of `main`).
@Suite struct ReadmeJobTests {
    @Test(arguments: Master.both)
    func readmeWordCountJob(_ master: Master) throws {
        let dir = NSTemporaryDirectory() + "readme-job-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("b a b\nc b a\n".utf8).write(to: URL(fileURLWithPath: dir + "/in.txt"))
        let ctx = try master.context()
        defer { ctx.stop() }
        let args = [dir + "/in.txt", dir + "/out"]
        var printed: [String] = []

        // As in README.md:
        let counts = try ctx.textFileBytes(args[0])
            .flatMap { $0.words }
            .map { ($0, 1) }
            .reduceByKey(+)
        try counts.map { $0.0 + ByteString("\t\($0.1)") }.saveAsTextFile(args[1])
        for (w, c) in try counts.takeOrdered(10, by: { $0.1 > $1.1 }) { printed.append("\(w) \(c)") }

        #expect(printed.first == "b 3")
        #expect(Set(printed) == ["b 3", "a 2", "c 1"])
        let parts = try FileManager.default.contentsOfDirectory(atPath: args[1]).filter { $0.hasPrefix("part-") }
        var lines: [String] = []
        for p in parts {
            lines += String(decoding: try Data(contentsOf: URL(fileURLWithPath: args[1] + "/" + p)), as: UTF8.self)
                .split(separator: "\n").map(String.init)
        }
        #expect(Set(lines) == ["b\t3", "a\t2", "c\t1"])
    }
}
