import ArgumentParser
import Foundation

/// Runs engine-submit: parse, validate, exec. Every failure becomes exactly one line on
/// stderr (`engine-submit: …`) and a non-zero status; `--help` prints the full help.
enum SubmitRunner {
    /// Returns only on failure or help: on success the process has become the job.
    static func run(arguments: [String]) -> Int32 {
        let command: EngineSubmit
        do {
            let parsed = try EngineSubmit.parseAsRoot(arguments)
            guard let submit = parsed as? EngineSubmit else {
                // A built-in subcommand such as `help`: let ArgumentParser run it.
                var other = parsed
                try other.run()
                return 0
            }
            command = submit
            // Options before JOB are parsed; an unrecognized one (--help included) starts
            // the passthrough, so help is recognized here.
            if let first = submit.jobAndArguments.first, first == "--help" || first == "-h" {
                print(SubmitHelp.fullHelp())
                return 0
            }
        } catch {
            let code = EngineSubmit.exitCode(for: error)
            if code == .success {
                // Help, or a built-in such as --generate-completion-script.
                let asksForHelp = arguments.contains { ["--help", "-h", "help"].contains($0) }
                print(asksForHelp ? SubmitHelp.fullHelp() : EngineSubmit.fullMessage(for: error))
                return 0
            }
            var text = SubmitError.oneLine(EngineSubmit.message(for: error))
            if text.hasPrefix("Error: ") { text.removeFirst("Error: ".count) }
            return fail(SubmitError(
                message: "\(text); see 'engine-submit --help'", exitCode: code.rawValue))
        }
        do throws(SubmitError) {
            let plan = try SubmitPlan(command)
            try JobLauncher.exec(plan)  // returns only by throwing
        } catch {
            return fail(error)
        }
    }

    private static func fail(_ error: SubmitError) -> Int32 {
        FileHandle.standardError.write(Data("engine-submit: \(SubmitError.oneLine(error.message))\n".utf8))
        return error.exitCode == 0 ? 1 : error.exitCode
    }
}
