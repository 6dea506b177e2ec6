import Foundation
import Runtime

extension EngineContext {
    /// Test only: true when this process was started by local-cluster as a hosted executor
    /// (`engine.test.executorHostArguments`; see ``runHostedExecutor(appName:)``).
    package static var isHostedExecutorRequested: Bool { TestExecutorHost.isRequested }

    /// Test only: runs this process as the local-cluster executor its driver started it as, with
    /// the executor arguments the driver put in its environment, and exits (as
    /// ``runExecutorIfRequested(appName:)`` does for a job's binary). A test binary calls it from
    /// the one test `engine.test.executorHostArguments` selects, so that it can host executors.
    package static func runHostedExecutor(appName: String) -> Never {
        TestExecutorHost.restoreStandardError()
        let args: [String]
        do {
            args = try TestExecutorHost.arguments()
        } catch {
            FileHandle.standardError.write(Data("\(appName) executor: \(error)\n".utf8))
            exit(1)
        }
        ExecutorProcess.run(args, appName: appName) { conf in
            PortableTaskBinaryCodec(conf: conf, logger: EngineLogging.logger("TaskBinary"))
        }
    }
}
