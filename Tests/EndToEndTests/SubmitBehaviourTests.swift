import Engine
import Foundation
import Testing

/// engine-submit's own behaviour with a stand-in job: help, passthrough, environment, exit status.
@Suite("engine-submit help and job launch")
struct SubmitBehaviourTests {
    @Test("--help documents every option, every known conf key and the master URL forms")
    func help() throws {
        let dir = try TemporaryDirectory("help")
        defer { dir.remove() }
        let run = try SubmitRun.run(["--help"], in: dir)
        #expect(run.status == 0)
        let text = String(decoding: run.stdout, as: UTF8.self)
        for option in ["--master", "--conf", "--executor-memory", "--name"] {
            #expect(text.contains(option), "\(option) missing from --help")
        }
        for key in EngineKeys.all { #expect(text.contains(key.name), "\(key.name) missing from --help") }
        for form in ["local[N]", "local[*]", "  local "] { #expect(text.contains(form), "\(form) missing from --help") }
        #expect(run.stderr.isEmpty)
    }

    /// A shell job that prints its arguments and environment, then exits 3.
    func echoJob(in dir: TemporaryDirectory) throws -> String {
        let job = try dir.write("echo-job", Array("""
            #!/bin/sh
            for a in "$@"; do printf 'arg=%s\\n' "$a"; done
            printf 'master=%s\\n' "$ENGINE_MASTER"
            printf '%s\\n' "$ENGINE_SUBMIT_CONF" | sed 's/^/conf=/'
            exit 3

            """.utf8))
        chmod(job, 0o755)
        return job
    }

    @Test("JOB and every argument after it reach the job untouched; the job's status is returned")
    func passthrough() throws {
        let dir = try TemporaryDirectory("passthrough")
        defer { dir.remove() }
        let job = try echoJob(in: dir)
        let run = try SubmitRun.run(
            ["--master", "local[3]", "--conf", "engine.task.maxFailures=2", "--executor-memory", "512m",
             "--name", "my app", job, "in put", "--partitions", "8", "--help", "--master", "yarn"], in: dir)
        #expect(run.status == 3, "\(run.transcript)")
        let lines = run.stdoutLines.map { String(decoding: $0, as: UTF8.self) }
        #expect(lines == [
            "arg=in put", "arg=--partitions", "arg=8", "arg=--help", "arg=--master", "arg=yarn",
            "master=local[3]",
            "conf=engine.task.maxFailures=2", "conf=engine.executor.memory=512m",
            "conf=engine.app.name=my app", "conf=engine.master=local[3]",
        ])
        #expect(run.stderr.isEmpty, "\(run.transcript)")
    }
}
