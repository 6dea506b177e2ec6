import Engine

/// The help text beyond the options: master URL forms, known configuration keys, exit codes.
enum SubmitHelp {
    /// The short discussion ArgumentParser prints under the overview.
    static let discussion = """
        JOB and everything after it are passed to the job untouched. JOB is a path to \
        a job executable, or the name of an example built next to engine-submit \
        (\(JobLocator.knownExamples.joined(separator: ", "))). Master URLs, \
        configuration keys and exit statuses are listed after the options.
        """

    /// The full `--help` text: ArgumentParser's part, then ``details``.
    static func fullHelp() -> String {
        EngineSubmit.helpMessage(columns: 80) + "\n" + details
    }

    /// Master URLs, configuration keys, environment and exit statuses, wrapped at 80 columns.
    static var details: String {
        var lines: [String] = []
        lines.append("MASTER URLS:")
        lines.append("  local                   one task thread in this process")
        lines.append("  local[N]                N task threads (N ≥ 1), whatever the core count")
        lines.append("  local[*]                one task thread per core")
        lines.append("")
        lines.append("CONFIGURATION KEYS (--conf key=value; default in brackets):")
        for key in EngineKeys.all {
            lines.append("  \(key.name) [\(key.defaultValue)]")
            for line in wrap(key.doc, width: 80 - 6) { lines.append("      " + line) }
        }
        lines.append("")
        lines.append("ENVIRONMENT OF THE JOB:")
        lines.append("  \(EngineConf.masterVariable)           the master URL")
        lines.append("  \(EngineConf.submitConfVariable)      the configuration, one key=value a line")
        lines.append("")
        lines.append("EXIT STATUS:")
        lines.append("  the job's own status once it started (engine-submit execs the job);")
        lines.append("  64 for a usage error, 71 when the job could not be started; each such")
        lines.append("  error is one line on stderr.")
        lines.append("")
        lines.append("EXAMPLE:")
        lines.append("  engine-submit --master local[4] word-count input.txt out/ --partitions 8")
        return lines.joined(separator: "\n")
    }

    /// Greedy word wrap.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
