import ArgumentParser
import Engine
import Foundation

/// `engine-bench wordcount INPUT`: times `engine-submit … word-count` (and optionally Spark's
/// word count) as child processes: wall time and peak RSS per run, then the medians.
struct WordCountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wordcount",
        abstract: "Time the word-count example through engine-submit, optionally beside Apache Spark.",
        discussion: """
            Before each run the input is read once so that it is in the page cache. Each run \
            writes to a fresh temporary directory, removed afterwards unless --keep.
            """)

    @Argument(help: "Input text file or directory.")
    var input: String

    @Option(help: "Master URL for both programs: local, local[N], local[*] or local-cluster[E,C,M].")
    var master = "local[2]"

    @Option(help: "Also time the engine with this master (e.g. local-cluster[2,1,1024] against --master local[2]); runs alternate.")
    var against: String?

    @Option(help: "Number of timed runs of each program; the summary shows the medians.")
    var runs = 3

    @Flag(help: "Also time Apache Spark's word count on the same input (needs Java 17 and pip).")
    var spark = false

    @Option(help: "Spark word-count script (default: ../shared/bench/spark/run-spark-wordcount.sh from the package root).")
    var sparkScript: String?

    @Option(help: "engine-submit to run (default: the one next to engine-bench).")
    var engineSubmit: String?

    @Flag(help: "Keep the output directories and logs.")
    var keep = false

    @Option(help: "Executor memory budget for the engine (passed to engine-submit --executor-memory).")
    var executorMemory: String?

    @Option(help: "A configuration key=value for the engine (passed to engine-submit --conf); repeatable.")
    var conf: [String] = []

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        do { _ = try MasterURL.parse(master) } catch { throw ValidationError("\(error)") }
        if let against {
            do { _ = try MasterURL.parse(against) } catch { throw ValidationError("--against: \(error)") }
        }
    }

    func run() throws {
        let cores = try MasterURL.parse(master).cores
        let files = try BenchPaths.inputFiles(input)
        let submit = engineSubmit ?? BenchPaths.ownDirectory() + "/engine-submit"
        guard FileManager.default.isExecutableFile(atPath: submit) else {
            throw BenchError("no engine-submit at \(submit): run 'swift build -c release' first")
        }
        let script = sparkScript
            ?? ((BenchPaths.packageRoot() + "/../shared/bench/spark/run-spark-wordcount.sh") as NSString).standardizingPath
        if spark, !FileManager.default.fileExists(atPath: script) {
            throw BenchError("no Spark script at \(script): pass --spark-script PATH")
        }
        let work = try makeWorkDirectory()
        let inputBytes = try BenchPaths.warmPageCache(files)
        let mib = Double(inputBytes) / 1_048_576
        print("input \(input): \(String(format: "%.1f", mib)) MiB in \(files.count) file(s); master \(master); \(runs) run(s)")

        let engineArgs = { [input, executorMemory, conf] (master: String, out: String) -> [String] in
            ["--master", master] + (executorMemory.map { ["--executor-memory", $0] } ?? [])
                + conf.flatMap { ["--conf", $0] } + ["word-count", input, out]
        }
        var programs: [(name: String, label: String, path: String, args: (String) -> [String])] = [
            ("engine", "engine word-count \(master)", submit, { [master] out in engineArgs(master, out) }),
        ]
        if let against {
            programs.append(("engine-against", "engine word-count \(against)", submit, { out in engineArgs(against, out) }))
        }
        if spark {
            try prepareSpark(script: script, work: work)
            programs.append(("spark", "Spark word-count \(master)", "/bin/bash", { [input] out in [script, input, out, "\(cores)"] }))
        }

        // Runs alternate between the programs, so that a slow spell of a shared machine
        // weighs on each alike.
        var results: [[ChildResult]] = Array(repeating: [], count: programs.count)
        for i in 1...runs {
            for (p, program) in programs.enumerated() {
                let out = "\(work)/\(program.name)-out-\(i)"
                let log = "\(work)/\(program.name)-\(i)"
                try BenchPaths.warmPageCache(files)
                let r = try ChildProcess.run(program.path, program.args(out), stdout: log + ".stdout", stderr: log + ".stderr")
                guard r.succeeded else {
                    print("\(program.label) run \(i) failed: \(r.statusText); last lines of its stderr (\(log).stderr):")
                    print(tail(log + ".stderr", lines: 10))
                    throw ExitCode.failure
                }
                if i == 1 { printResultLines(program.name == "spark" ? "spark" : "engine", log + ".stdout") }
                print(String(format: "%@ run %d: %.2f s, %.1f MiB/s, peak RSS %.0f MiB",
                             program.label, i, r.seconds, mib / r.seconds, Double(r.peakRSSBytes) / 1_048_576))
                if !keep { try? FileManager.default.removeItem(atPath: out) }
                results[p].append(r)
            }
        }
        let summaries = programs.indices.map { p in
            (name: programs[p].name, label: programs[p].label, seconds: median(results[p].map(\.seconds)),
             rss: Int64(median(results[p].map { Double($0.peakRSSBytes) })))
        }

        print("")
        for s in summaries {
            print(String(format: "%@: %.2f s, %.1f MiB/s, peak RSS %.0f MiB",
                         s.label, s.seconds, mib / s.seconds, Double(s.rss) / 1_048_576))
        }
        if let a = summaries.first(where: { $0.name == "engine-against" }) {
            print(String(format: "%@ / %@: %.2fx the wall time", a.label, summaries[0].label, a.seconds / summaries[0].seconds))
        }
        if let sp = summaries.first(where: { $0.name == "spark" }) {
            print(String(format: "Spark / engine: %.1fx the wall time, %.1fx the peak RSS",
                         sp.seconds / summaries[0].seconds, Double(sp.rss) / Double(max(summaries[0].rss, 1))))
        }
        if keep {
            print("outputs and logs kept in \(work)")
        } else {
            try? FileManager.default.removeItem(atPath: work)
        }
    }

    /// A fresh directory under $TMPDIR for outputs and logs.
    private func makeWorkDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/engine-bench-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else {
            throw BenchError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        return String(cString: p)
    }

    /// Spark's first use installs pyspark and compiles WordCount.java: do that untimed.
    private func prepareSpark(script: String, work: String) throws {
        let sample = work + "/spark-warmup.txt"
        try Data("warm up the spark word count\n".utf8).write(to: URL(fileURLWithPath: sample))
        print("spark: warm-up run (installs pyspark on first use, compiles WordCount.java; not timed)")
        let r = try ChildProcess.run("/bin/bash", [script, sample, work + "/spark-warmup-out", "1"],
                                     stdout: work + "/spark-warmup.stdout", stderr: work + "/spark-warmup.stderr")
        guard r.succeeded else {
            print("spark warm-up failed: \(r.statusText); last lines of its stderr:")
            print(tail(work + "/spark-warmup.stderr", lines: 10))
            throw ExitCode.failure
        }
    }

    /// Shows the job's own summary lines once (engine: distinct/total words; Spark: RESULT).
    private func printResultLines(_ name: String, _ stdoutPath: String) {
        guard let text = try? String(contentsOfFile: stdoutPath, encoding: .utf8) else { return }
        for line in text.split(separator: "\n")
        where line.hasPrefix("distinct words:") || line.hasPrefix("total words:") || line.hasPrefix("RESULT")
            || line.hasPrefix("spilled") {
            print("  \(name): \(line)")
        }
    }

    private func tail(_ path: String, lines: Int) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "  (no output)" }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").suffix(lines).map { "  " + $0 }.joined(separator: "\n")
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}
