import Foundation
import Testing

/// An `engine-submit …` (or job) child process left running, whose stderr a test watches
/// (to act in the middle of a job) before waiting for the end.
final class BackgroundRun {
    let process = Process()
    let errPath: String
    let outPath: String
    private let handles: [FileHandle]

    /// Starts `executable` (engine-submit by default) with `arguments`, stdout and stderr to files in `dir`.
    init(_ arguments: [String], in dir: TemporaryDirectory, executable: String = BuildProducts.engineSubmit) throws {
        let tag = UUID().uuidString
        outPath = dir.child(".bg-stdout-\(tag)")
        errPath = dir.child(".bg-stderr-\(tag)")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        handles = [out, err]
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    var stderrText: String { String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self) }
    var stdoutBytes: [UInt8] { Array(FileManager.default.contents(atPath: outPath) ?? Data()) }

    /// Waits until stderr has a line containing `text` (true), or the process ended or `timeout` passed (false).
    func waitForLog(_ text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stderrText.contains(text) { return true }
            if !process.isRunning { return stderrText.contains(text) }
            usleep(20_000)
        }
        return false
    }

    /// Waits for the process to end (killing it after `timeout` seconds); returns its exit status.
    func finish(timeout: Double) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            Issue.record("\(process.arguments ?? []) did not finish within \(Int(timeout)) s")
            process.terminate()
        }
        process.waitUntilExit()
        for h in handles { try? h.close() }
        return process.terminationStatus
    }

    /// Everything printed, for failure messages.
    var transcript: String {
        "--- stdout ---\n\(String(decoding: stdoutBytes.prefix(3000), as: UTF8.self))\n--- stderr ---\n\(String(stderrText.suffix(6000)))"
    }

    /// Process ids of the executors this driver started (local-cluster), by executor id.
    func executorProcesses() -> [String: Int32] {
        let parent = "--parent-pid\0\(process.processIdentifier)\0"
        var found: [String: Int32] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let cmd = String(decoding: data, as: UTF8.self)
            guard cmd.contains(parent), let r = cmd.range(of: "--executor-id\0") else { continue }
            let id = cmd[r.upperBound...].prefix { $0 != "\0" }
            found[String(id)] = pid
        }
        return found
    }
}
