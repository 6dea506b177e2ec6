import Foundation
import Testing

/// The outcome of one `engine-submit …` child process.
struct SubmitRun {
    let status: Int32
    /// True when a signal ended the process (status is then the signal number).
    let signaled: Bool
    let stdout: [UInt8]
    let stderr: [UInt8]

    /// stderr split into lines (without the final empty piece).
    var stderrLines: [String] {
        String(decoding: stderr, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).dropLastIfEmpty()
    }

    /// stdout split on `\n`, bytes kept as they are.
    var stdoutLines: [[UInt8]] {
        var lines = stdout.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// Everything the process printed, for failure messages.
    var transcript: String {
        "status \(status)\(signaled ? " (signal)" : "")\n--- stdout ---\n\(String(decoding: stdout.prefix(4000), as: UTF8.self))\n--- stderr ---\n\(String(decoding: stderr.suffix(4000), as: UTF8.self))"
    }

    /// Runs the built engine-submit with `arguments`; gives up after `timeout` seconds.
    static func run(_ arguments: [String], in directory: TemporaryDirectory, timeout: Double = 300) throws -> SubmitRun {
        let tag = UUID().uuidString
        let outPath = directory.child(".stdout-\(tag)"), errPath = directory.child(".stderr-\(tag)")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.engineSubmit)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer { try? outHandle.close(); try? errHandle.close() }
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            Issue.record("engine-submit \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return SubmitRun(
            status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal,
            stdout: Array(FileManager.default.contents(atPath: outPath) ?? Data()),
            stderr: Array(FileManager.default.contents(atPath: errPath) ?? Data()))
    }
}

extension Array where Element == String {
    fileprivate func dropLastIfEmpty() -> [String] {
        last?.isEmpty == true ? Array(dropLast()) : self
    }
}
