import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Test only: how a test binary hosts local-cluster executors.
///
/// A job's binary becomes an executor when started as `JOB --executor …`; a test binary cannot,
/// since its command line belongs to the test runner. With `engine.test.executorHostArguments`
/// set, ``LocalClusterLauncher`` starts `/proc/self/exe` with those arguments (which select one
/// test of the binary) and puts the executor's own arguments in ``variable``; that test reads
/// them with ``arguments()`` and runs the executor. The executor then runs in the same binary as
/// the driver, so the functions it receives resolve as they would in a job's binary.
///
/// The test runner's own banner would repeat on the driver's standard error for every executor:
/// a hosted executor starts with standard error on `/dev/null` and the driver's standard error
/// on descriptor ``stderrDescriptor`` (named in ``stderrVariable``), which ``restoreStandardError()`` puts back.
package enum TestExecutorHost {
    /// The environment variable that carries the executor's arguments (after the program name), as a JSON array.
    package static let variable = "ENGINE_TEST_EXECUTOR_ARGUMENTS"

    /// Where a hosted executor finds the driver's standard error.
    static let stderrDescriptor: Int32 = 3
    /// The environment variable that names ``stderrDescriptor`` to a hosted executor.
    static let stderrVariable = "ENGINE_TEST_EXECUTOR_STDERR"

    /// The text of ``variable`` for `arguments`.
    static func encode(_ arguments: [String]) -> String {
        // An array of strings always encodes.
        String(decoding: (try? JSONEncoder().encode(arguments)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// True when this process was started as a hosted executor.
    package static var isRequested: Bool { ProcessInfo.processInfo.environment[variable] != nil }

    /// The executor arguments this process was started with as a hosted executor.
    package static func arguments() throws(EngineError) -> [String] {
        let text = ProcessInfo.processInfo.environment[variable] ?? ""
        guard let args = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw .invalidArgument("\(variable) is not a JSON array of strings: \(text.prefix(200)); "
                + "it is set by local-cluster's launcher only")
        }
        return args
    }

    /// In a hosted executor: standard error goes to the driver's again (see the type's comment).
    /// Leaves it as it is when the launcher did not set it aside (``stderrVariable`` absent) or
    /// the descriptor is not open.
    package static func restoreStandardError() {
        guard let text = ProcessInfo.processInfo.environment[stderrVariable], let fd = Int32(text), fd > 2,
              fcntl(fd, F_GETFD) != -1 else { return }
        _ = dup2(fd, STDERR_FILENO)
        _ = close(fd)
        unsetenv(stderrVariable)
    }

    /// Calls `body` with the spawn file actions of an executor process: none for a job's binary;
    /// for a hosted executor, the driver's standard error on ``stderrDescriptor`` and `/dev/null` on 2.
    static func withSpawnActions(hosted: Bool, _ body: (UnsafePointer<posix_spawn_file_actions_t>?) -> Int32) -> Int32 {
        guard hosted else { return body(nil) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, stderrDescriptor)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        return body(&actions)
    }
}
