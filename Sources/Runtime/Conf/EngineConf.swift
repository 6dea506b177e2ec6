import Broadcast
import Foundation

/// The keys the engine knows, with their defaults.
///
/// Each key is a ``ConfigKey``: set it with `--conf NAME=VALUE` on engine-submit or
/// `conf.set(NAME, VALUE)` in code, read it with `conf.get(EngineKeys.KEY)`. A value that does
/// not parse fails the context's creation with `EngineError.badConf`. `engine-submit --help`
/// lists them with their defaults.
public enum EngineKeys {
    /// `engine.master` (`local[*]`): where the executors run (``MasterURL``), as Spark's `spark.master`.
    /// engine-submit's `--master` sets it.
    public static let master = ConfigKey<String>.string(
        "engine.master", default: "local[*]",
        doc: "master URL: local, local[N], local[*], local-cluster[E,C,M], engine://HOST:PORT")
    /// `engine.app.name` (`engine-app`): the application's name in logs, as Spark's `spark.app.name`.
    public static let appName = ConfigKey<String>.string(
        "engine.app.name", default: "engine-app", doc: "the application's name, shown in logs")
    /// `engine.task.maxFailures` (4, at least 1): attempts of one task before its job fails, as
    /// Spark's `spark.task.maxFailures`.
    public static let taskMaxFailures = ConfigKey<Int>.int(
        "engine.task.maxFailures", default: 4, minimum: 1,
        doc: "attempts of one task before its job fails")
    /// `engine.shuffle.compress` (true): lz4-compress shuffle files, as Spark's `spark.shuffle.compress`.
    public static let shuffleCompress = ConfigKey<Bool>.bool(
        "engine.shuffle.compress", default: true, doc: "lz4-compress shuffle output")
    /// `engine.executor.memory` (1g): each executor's memory budget, as Spark's
    /// `spark.executor.memory`; engine-submit's `--executor-memory` sets it. Reserved
    /// min(300 MiB, ¼), the rest split by ``memoryFraction``.
    public static let executorMemory = ConfigKey<Int64>.bytes(
        "engine.executor.memory", default: 1 << 30,
        doc: "memory budget of each executor: reserved, then a unified region for storage and execution")
    /// `engine.memory.fraction` (0.6, in 0.01…1): the unified region's share of (memory −
    /// reserved), as Spark's `spark.memory.fraction`.
    public static let memoryFraction = ConfigKey<Double>.fraction(
        "engine.memory.fraction", default: 0.6, in: 0.01...1,
        doc: "share of (executor memory - reserved) for execution and storage together")
    /// `engine.memory.storageFraction` (0.5, in 0…0.99): the share of the unified region that
    /// execution cannot reclaim from cached blocks, as Spark's `spark.memory.storageFraction`.
    public static let memoryStorageFraction = ConfigKey<Double>.fraction(
        "engine.memory.storageFraction", default: 0.5, in: 0...0.99,
        doc: "share of the unified region storage keeps from execution's reclaiming")
    /// `engine.default.parallelism` (0: the master's cores): partitions of `parallelize` and of
    /// shuffles without a count, as Spark's `spark.default.parallelism`.
    public static let defaultParallelism = ConfigKey<Int>.int(
        "engine.default.parallelism", default: 0, minimum: 0,
        doc: "default partition count of shuffles and parallelize (0: the master's cores)")
    /// `engine.files.blockSize` (32m): the largest byte range of one text-file split, as Hadoop's
    /// `fs.local.block.size`.
    public static let filesBlockSize = ConfigKey<Int64>.bytes(
        "engine.files.blockSize", default: 32 << 20,
        doc: "largest byte range of one text-file split, as the local file system's block size")
    /// `engine.local.dir` (`$TMPDIR`): comma-separated scratch directories for shuffle files and
    /// spills, as Spark's `spark.local.dir`.
    public static let localDir = ConfigKey<String>.string(
        "engine.local.dir", default: NSTemporaryDirectory(),
        doc: "comma-separated directories for shuffle files and spills")
    /// `engine.log.level` (warning): the log level of the driver and executors; `info` logs every
    /// stage and job as Spark does (Spark's `SparkContext.setLogLevel`).
    public static let logLevel = ConfigKey<String>.string(
        "engine.log.level", default: "warning", doc: "trace, debug, info, notice, warning, error (info shows every stage and job)")
    /// `engine.broadcast.blockSize` (4m): the size of one TorrentBroadcast piece, as Spark's
    /// `spark.broadcast.blockSize`.
    public static let broadcastBlockSize = ConfigKey<Int64>.bytes(
        "engine.broadcast.blockSize", default: 4 << 20, minimum: 1, doc: "size of one TorrentBroadcast piece")
    /// `engine.broadcast.compress` (true): lz4-compress broadcast pieces and task binaries, as
    /// Spark's `spark.broadcast.compress`.
    public static let broadcastCompress = ConfigKey<Bool>.bool(
        "engine.broadcast.compress", default: true, doc: "lz4-compress broadcast pieces (task binaries too)")
    /// `engine.broadcast.checksum` (true): an Adler-32 checksum per piece, verified by readers, as
    /// Spark's `spark.broadcast.checksum`.
    public static let broadcastChecksum = ConfigKey<Bool>.bool(
        "engine.broadcast.checksum", default: true, doc: "give each broadcast piece a checksum that readers verify")
    /// `engine.broadcast.factory` (`TorrentBroadcast`, the only one in this build): how broadcast
    /// values are cut and distributed, as Spark 1's `spark.broadcast.factory`.
    public static let broadcastFactory = ConfigKey<String>.string(
        "engine.broadcast.factory", default: "TorrentBroadcast",
        doc: "how broadcast values are cut and distributed (this build: TorrentBroadcast)")
    /// `engine.stage.maxConsecutiveAttempts` (4, at least 1): fetch-failed attempts of one stage in
    /// a row before its job fails, as Spark's `spark.stage.maxConsecutiveAttempts`.
    public static let stageMaxConsecutiveAttempts = ConfigKey<Int>.int(
        "engine.stage.maxConsecutiveAttempts", default: 4, minimum: 1,
        doc: "fetch-failed attempts of one stage in a row before its job fails")
    /// `engine.network.timeout` (120s): an executor without a heartbeat for this long is lost, and
    /// no network request waits longer, as Spark's `spark.network.timeout`.
    public static let networkTimeout = ConfigKey<Double>.seconds(
        "engine.network.timeout", default: 120,
        doc: "an executor silent (no heartbeat) for this long is lost; also the limit of one network request")
    /// `engine.executor.heartbeatInterval` (10s): how often an executor reports to the driver, as
    /// Spark's `spark.executor.heartbeatInterval`.
    public static let heartbeatInterval = ConfigKey<Double>.seconds(
        "engine.executor.heartbeatInterval", default: 10, doc: "how often an executor sends the driver a heartbeat")
    /// `engine.executor.minRegistered` (1, at least 0): with `engine://HOST:PORT`, the executors
    /// the driver waits for before its first job (Spark waits on
    /// `spark.scheduler.minRegisteredResourcesRatio` instead); `local-cluster` waits for all.
    public static let minRegisteredExecutors = ConfigKey<Int>.int(
        "engine.executor.minRegistered", default: 1, minimum: 0,
        doc: "with engine://, executors the driver waits for before the first job (local-cluster: all of them)")
    /// `engine.executor.registrationTimeout` (60s): how long the driver waits for them, as Spark's
    /// `spark.scheduler.maxRegisteredResourcesWaitingTime`; with none registered the context fails.
    public static let registrationTimeout = ConfigKey<Double>.seconds(
        "engine.executor.registrationTimeout", default: 60,
        doc: "how long the driver waits for engine.executor.minRegistered executors")
    /// `engine.reducer.maxSizeInFlight` (48m): the remote shuffle bytes one reducer requests at
    /// once, as Spark's `spark.reducer.maxSizeInFlight`.
    public static let reducerMaxSizeInFlight = ConfigKey<Int64>.bytes(
        "engine.reducer.maxSizeInFlight", default: 48 << 20,
        doc: "remote shuffle bytes one reducer fetches at once")
    /// `engine.driver.host` (127.0.0.1): with `local-cluster`, the address the driver listens on
    /// for its executors, as Spark's `spark.driver.host`.
    public static let driverHost = ConfigKey<String>.string(
        "engine.driver.host", default: "127.0.0.1",
        doc: "with local-cluster, the address the driver listens on for its executors")

    /// `engine.cleaner.referenceTracking` (true): run the ContextCleaner, which removes the shuffles,
    /// cached RDD blocks and broadcasts the job no longer refers to, as Spark's `spark.cleaner.referenceTracking`.
    public static let cleanerReferenceTracking = ConfigKey<Bool>.bool(
        "engine.cleaner.referenceTracking", default: true,
        doc: "remove the shuffles, cached RDD blocks and broadcasts the job no longer refers to (the ContextCleaner)")
    /// `engine.cleaner.referenceTracking.blocking` (true): the cleaner waits for every executor to
    /// acknowledge each removal, as Spark's `spark.cleaner.referenceTracking.blocking`.
    public static let cleanerReferenceTrackingBlocking = ConfigKey<Bool>.bool(
        "engine.cleaner.referenceTracking.blocking", default: true,
        doc: "the cleaner waits for every executor to acknowledge each removal")
    /// `engine.cleaner.referenceTracking.cleanCheckpoints` (false): also delete an RDD's checkpoint files
    /// once the job no longer refers to it, as Spark's `spark.cleaner.referenceTracking.cleanCheckpoints`.
    public static let cleanerCleanCheckpoints = ConfigKey<Bool>.bool(
        "engine.cleaner.referenceTracking.cleanCheckpoints", default: false,
        doc: "also remove a checkpointed RDD's files once the job no longer refers to the RDD")

    /// Hidden test key: local mode runs every task from a portable task binary rebuilt in a separate
    /// replay context, as executors in other processes do (catches functions that cannot travel).
    package static let testPortableTaskBinaries = ConfigKey<Bool>.bool(
        "engine.test.portableTaskBinaries", default: false, doc: "test only")

    /// Hidden test key: when set, local-cluster starts each executor as `/proc/self/exe` followed by
    /// these space-separated arguments instead of `--executor …`, and hands it its executor
    /// arguments in the environment (``TestExecutorHost``). A test binary, which has no executor
    /// mode of its own, hosts executors so: the arguments select a test that runs the executor.
    package static let testExecutorHostArguments = ConfigKey<String>.string(
        "engine.test.executorHostArguments", default: "", doc: "test only")

    /// Hidden benchmark key: executors fetch broadcast pieces from the driver only (the baseline
    /// TorrentBroadcast is measured against).
    package static let testBroadcastFromDriverOnly = ConfigKey<Bool>.bool(
        "engine.test.broadcastFromDriverOnly", default: false, doc: "benchmark only")

    /// Every known key's name, its default as text, and its doc.
    public static let all: [(name: String, defaultValue: String, doc: String)] = [
        (master.name, master.defaultValue, master.doc),
        (appName.name, appName.defaultValue, appName.doc),
        (taskMaxFailures.name, "\(taskMaxFailures.defaultValue)", taskMaxFailures.doc),
        (shuffleCompress.name, "\(shuffleCompress.defaultValue)", shuffleCompress.doc),
        (executorMemory.name, "1g", executorMemory.doc),
        (memoryFraction.name, "0.6", memoryFraction.doc),
        (memoryStorageFraction.name, "0.5", memoryStorageFraction.doc),
        (defaultParallelism.name, "0", defaultParallelism.doc),
        (filesBlockSize.name, "32m", filesBlockSize.doc),
        (localDir.name, "$TMPDIR", localDir.doc),
        (logLevel.name, logLevel.defaultValue, logLevel.doc),
        (broadcastBlockSize.name, "4m", broadcastBlockSize.doc),
        (broadcastCompress.name, "true", broadcastCompress.doc),
        (broadcastFactory.name, broadcastFactory.defaultValue, broadcastFactory.doc),
        (broadcastChecksum.name, "true", broadcastChecksum.doc),
        (stageMaxConsecutiveAttempts.name, "4", stageMaxConsecutiveAttempts.doc),
        (networkTimeout.name, "120s", networkTimeout.doc),
        (heartbeatInterval.name, "10s", heartbeatInterval.doc),
        (minRegisteredExecutors.name, "1", minRegisteredExecutors.doc),
        (registrationTimeout.name, "60s", registrationTimeout.doc),
        (reducerMaxSizeInFlight.name, "48m", reducerMaxSizeInFlight.doc),
        (driverHost.name, driverHost.defaultValue, driverHost.doc),
        (cleanerReferenceTracking.name, "true", cleanerReferenceTracking.doc),
        (cleanerReferenceTrackingBlocking.name, "true", cleanerReferenceTrackingBlocking.doc),
        (cleanerCleanCheckpoints.name, "false", cleanerCleanCheckpoints.doc),
    ]

    /// Checks that every known key present in `values` parses.
    package static func validate(_ values: [String: String]) throws(EngineError) {
        if let v = values[master.name] { _ = try MasterURL.parse(v) }
        if let v = values[taskMaxFailures.name] { _ = try taskMaxFailures.parse(v) }
        if let v = values[stageMaxConsecutiveAttempts.name] { _ = try stageMaxConsecutiveAttempts.parse(v) }
        if let v = values[shuffleCompress.name] { _ = try shuffleCompress.parse(v) }
        if let v = values[executorMemory.name] { _ = try executorMemory.parse(v) }
        if let v = values[memoryFraction.name] { _ = try memoryFraction.parse(v) }
        if let v = values[memoryStorageFraction.name] { _ = try memoryStorageFraction.parse(v) }
        if let v = values[defaultParallelism.name] { _ = try defaultParallelism.parse(v) }
        if let v = values[filesBlockSize.name] { _ = try filesBlockSize.parse(v) }
        if let v = values[broadcastBlockSize.name] { _ = try broadcastBlockSize.parse(v) }
        if let v = values[broadcastCompress.name] { _ = try broadcastCompress.parse(v) }
        if let v = values[broadcastFactory.name], BroadcastFactories.named(v) == nil {
            throw .badConf(key: broadcastFactory.name, value: v,
                           expected: BroadcastFactories.all.map(\.name).joined(separator: " or "))
        }
        if let v = values[broadcastChecksum.name] { _ = try broadcastChecksum.parse(v) }
        if let v = values[networkTimeout.name] { _ = try networkTimeout.parse(v) }
        if let v = values[heartbeatInterval.name] { _ = try heartbeatInterval.parse(v) }
        if let v = values[minRegisteredExecutors.name] { _ = try minRegisteredExecutors.parse(v) }
        if let v = values[registrationTimeout.name] { _ = try registrationTimeout.parse(v) }
        if let v = values[reducerMaxSizeInFlight.name] { _ = try reducerMaxSizeInFlight.parse(v) }
        for key in [cleanerReferenceTracking, cleanerReferenceTrackingBlocking, cleanerCleanCheckpoints] {
            if let v = values[key.name] { _ = try key.parse(v) }
        }
        if let v = values[logLevel.name] {
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(v.lowercased()) else {
                throw .badConf(key: logLevel.name, value: v, expected: "trace, debug, info, notice, warning or error")
            }
        }
    }
}

/// Configuration of an ``EngineContext``: string values under typed keys.
///
/// Sources, lowest precedence first: each key's default; the environment
/// (`ENGINE_MASTER`, and `ENGINE_SUBMIT_CONF` with one `key=value` a line, as
/// engine-submit passes `--conf`); then what the job's code sets.
///
/// Mirrors Spark's `SparkConf`. Reading a key never throws: ``validate()`` (called when a
/// context is created) rejects the values that do not parse.
public struct EngineConf: Sendable {
    /// The environment variable engine-submit fills with `--conf` pairs, one `key=value` a line.
    public static let submitConfVariable = "ENGINE_SUBMIT_CONF"
    /// The environment variable engine-submit fills with `--master`.
    public static let masterVariable = "ENGINE_MASTER"

    private(set) var values: [String: String] = [:]

    /// A configuration with only the environment's values (if `loadEnvironment`) and defaults.
    public init(loadEnvironment: Bool = true) {
        guard loadEnvironment else { return }
        let env = ProcessInfo.processInfo.environment
        if let lines = env[Self.submitConfVariable] {
            for line in lines.split(separator: "\n") where !line.isEmpty {
                if let eq = line.firstIndex(of: "=") {
                    values[String(line[..<eq])] = String(line[line.index(after: eq)...])
                }
            }
        }
        if let m = env[Self.masterVariable], !m.isEmpty { values[EngineKeys.master.name] = m }
    }

    /// Sets a key from code; code wins over the environment.
    ///
    /// Mirrors Spark's `SparkConf.set`. Unknown keys are kept; the value is checked by ``validate()``.
    @discardableResult
    public mutating func set(_ name: String, _ value: String) -> EngineConf {
        values[name] = value
        return self
    }

    /// Sets the master URL.
    ///
    /// Mirrors Spark's `SparkConf.setMaster`.
    @discardableResult
    public mutating func setMaster(_ url: String) -> EngineConf { set(EngineKeys.master.name, url) }

    /// Sets the application name.
    ///
    /// Mirrors Spark's `SparkConf.setAppName`.
    @discardableResult
    public mutating func setAppName(_ name: String) -> EngineConf { set(EngineKeys.appName.name, name) }

    /// The raw text of a key, if anything set it.
    public func getRaw(_ name: String) -> String? { values[name] }

    /// The value of a typed key: what was set, parsed, or the default.
    /// A value that does not parse was rejected when the context was created (see ``validate()``).
    ///
    /// Mirrors Spark's `SparkConf.get(ConfigEntry)`.
    public func get<V>(_ key: ConfigKey<V>) -> V {
        guard let raw = values[key.name], let v = try? key.parse(raw) else { return key.defaultValue }
        return v
    }

    /// Checks every known key; the first that does not parse is thrown.
    ///
    /// - Throws: `EngineError.badConf` naming the key, the value and what was expected, or
    ///   `EngineError.badMasterURL` for `engine.master`.
    public func validate() throws(EngineError) { try EngineKeys.validate(values) }

    /// All explicitly set keys, sorted.
    ///
    /// Mirrors Spark's `SparkConf.getAll`.
    public var all: [(String, String)] { values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
}
