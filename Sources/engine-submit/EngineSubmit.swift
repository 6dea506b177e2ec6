import ArgumentParser

/// The `engine-submit` command line, as Spark's `spark-submit`:
/// `engine-submit [--master URL] [--conf k=v]… [--executor-memory SIZE] [--name NAME] JOB [job args…]`.
///
/// Options are read only up to JOB; JOB and everything after it reach the job untouched,
/// options such as `--partitions 8` included.
struct EngineSubmit: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "engine-submit",
            abstract: "Run an engine job: check its settings, then start it with them.",
            usage: "engine-submit [--master <url>] [--conf <key=value>]... [--executor-memory <size>] [--name <name>] <job> [<job-args>...]",
            discussion: SubmitHelp.discussion)
    }

    @Option(name: .long, help: ArgumentHelp(
        "Where the job runs: local, local[N] or local[*] (default: the conf's engine.master, else local[*]).",
        valueName: "url"))
    var master: String?

    @Option(name: .long, help: ArgumentHelp(
        "Set a configuration key for the job (repeatable); known keys are listed under CONFIGURATION KEYS.",
        valueName: "key=value"))
    var conf: [String] = []

    @Option(name: .customLong("executor-memory"), help: ArgumentHelp(
        "Memory budget of each executor, as 512m or 2g; sets engine.executor.memory.",
        valueName: "size"))
    var executorMemory: String?

    @Option(name: .long, help: ArgumentHelp(
        "The application's name, shown in logs; sets engine.app.name.",
        valueName: "name"))
    var name: String?

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp(
        "The job: a path to a job executable, or the name of an example of this package (word-count, broadcast-lookup), followed by the job's own arguments, passed as they are.",
        valueName: "job"))
    var jobAndArguments: [String] = []

    /// Never called: `SubmitRunner` validates and execs the job itself so that every
    /// failure is a single line.
    mutating func run() throws {}
}
