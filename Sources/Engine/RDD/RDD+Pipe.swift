import Runtime
import Scheduler
import Storage

extension RDD {
    /// The output lines of an external command run once per partition, fed the partition's records.
    ///
    /// Mirrors Spark's `RDD.pipe(command, env)`: for each partition the task starts `command`
    /// (its first element is the program, looked up on PATH; the rest are its arguments, passed
    /// as they are, without a shell) with the executor's environment plus `env`, writes each
    /// record as a line (its `String(describing:)`) to the command's standard input, and makes
    /// each line of its standard output (without the line end) a record of the result. The
    /// command may stop reading early; its exit status decides. A command that cannot be started
    /// or that exits with a non-zero status fails the task with ``PipeError``, whose message
    /// names the command and ends with the last lines of its standard error; after
    /// `engine.task.maxFailures` attempts the action fails with `EngineError.jobFailed`.
    @inlinable
    public func pipe(_ command: [String], env: [String: String] = [:], file: String = #fileID,
                     line: Int = #line) -> RDD<String> {
        let mark = context.idMark
        let params = PipeParams(command: command, env: env)
        return context.recorded(PipeOperator<T>.self, "pipe", mark: mark, inputs: [self], params: params,
                                file: file, line: line, pipeRDD(params, file: file, line: line))
    }

    /// ``pipe(_:env:file:line:)-([String],_,_,_)`` with the command given as one string, split at whitespace
    /// (as Spark's `pipe(command: String)`; no shell quoting).
    @inlinable
    public func pipe(_ command: String, env: [String: String] = [:], file: String = #fileID,
                     line: Int = #line) -> RDD<String> {
        pipe(command.split(whereSeparator: \.isWhitespace).map(String.init), env: env, file: file, line: line)
    }

    @inlinable
    func pipeRDD(_ params: PipeParams, file: String, line: Int) -> RDD<String> {
        let bad = params.command.first.map { $0.isEmpty } ?? true
            ? "pipe: the command is empty; give the program to run and its arguments" : nil
        return derive("pipe", callSite: makeCallSite(file, line), argumentError: bad) { _, ctx, input in
            let records = Unchecked(input)
            return try pipeStream(params, ctx) { emit in
                try records.value.forEachRecord { x in try emit(String(describing: x)) }
            }
        }
    }
}

/// The output lines of the child process `params` describes, fed by `records`; the child is
/// killed if the task ends before its output is read.
@usableFromInline
func pipeStream(_ params: PipeParams, _ ctx: TaskContext,
                _ records: @escaping @Sendable (_ emit: (String) throws -> Void) throws -> Void) throws -> PartitionStream<String> {
    let process = try PipedProcess(command: params.command, env: params.env)
    ctx.addTaskCompletionListener { _, _ in process.abandon() }
    try process.start(writing: records)
    return PartitionStream {
        try ctx.checkInterrupted()
        return try process.nextLines(max: 4096) { try ctx.checkInterrupted() }
    }
}
