/// What an executor says about itself when it registers with the driver, as the fields of
/// Spark's RegisterExecutor message.
public struct ExecutorInfo: Sendable, Equatable {
    /// The executor's id, unique among the application's executors: `exec-1`.
    public let id: String
    /// The host the executor runs on, as other executors reach it.
    public let host: String
    /// The port of the executor's block transfer service.
    public let port: Int
    /// Task threads the executor runs (the tasks it may run at once).
    public let cores: Int
    /// The executor's memory budget, in MiB.
    public let memoryMB: Int
    /// The GNU build-id of the executor's binary: it must equal the driver's, since tasks
    /// name functions by their place in the binary.
    public let buildId: String

    /// Describes an executor.
    public init(id: String, host: String, port: Int, cores: Int, memoryMB: Int, buildId: String) {
        self.id = id
        self.host = host
        self.port = port
        self.cores = cores
        self.memoryMB = memoryMB
        self.buildId = buildId
    }
}

/// The driver's answer to a registration: Spark's RegisteredExecutor or RegisterExecutorFailed.
public enum RegistrationResult: Sendable, Equatable {
    /// The executor was added and will be offered tasks.
    case registered
    /// The executor was refused; `message` says why and what to do. The executor should exit.
    case failed(message: String)
}
