import Foundation

/// A failure of engine-submit itself, printed as one line `engine-submit: <message>`.
struct SubmitError: Error, CustomStringConvertible {
    /// What failed and what to do, on one line.
    let message: String
    /// The process exit status.
    let exitCode: Int32

    /// Exit status of a usage error (sysexits.h EX_USAGE).
    static let usageExitCode: Int32 = 64
    /// Exit status when the job could not be started (sysexits.h EX_OSERR).
    static let launchExitCode: Int32 = 71

    /// A problem with the command line: bad option, URL, size, conf or job.
    static func usage(_ message: String) -> SubmitError {
        SubmitError(message: message, exitCode: usageExitCode)
    }

    var description: String { message }

    /// Collapses any text (ArgumentParser messages may span lines) to one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}
