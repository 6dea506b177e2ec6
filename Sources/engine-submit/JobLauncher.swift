import Engine
import Foundation

/// Replaces this process with the job (execve), so the job's exit status is engine-submit's.
enum JobLauncher {
    /// Execs the job with `ENGINE_MASTER` and `ENGINE_SUBMIT_CONF` set; throws only if exec failed.
    static func exec(_ plan: SubmitPlan) throws(SubmitError) -> Never {
        var environment = ProcessInfo.processInfo.environment
        environment[EngineConf.masterVariable] = plan.master
        environment[EngineConf.submitConfVariable] = plan.confVariable

        let argv = [plan.jobPath] + plan.jobArguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        fflush(nil)  // nothing buffered may be lost or doubled by exec
        let errorNumber = withCStringArray(argv) { cArgv in
            withCStringArray(envp) { cEnvp in
                execve(plan.jobPath, cArgv, cEnvp)
                return errno
            }
        }
        let reason = String(cString: strerror(errorNumber))
        throw SubmitError(
            message: "could not start job \(plan.jobPath): \(reason); check that it is an executable for this machine",
            exitCode: SubmitError.launchExitCode)
    }

    /// Calls `body` with a NULL-terminated array of C strings that lives for the call.
    private static func withCStringArray<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
    ) -> R {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { for p in pointers { free(p) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
