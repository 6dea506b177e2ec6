import Scheduler
import Storage

/// The messages between the driver and executors in other processes, as Spark's
/// CoarseGrainedClusterMessages, each with a compact binary form for the RPC layer.
///
/// A message is a header — the wire version (1 byte) and the message type
/// (``MessageType``, 2 bytes little-endian) — then its fields (see `WireFormat.swift`).
/// ``decode(_:)`` checks the version, the type, every field and that nothing follows;
/// it throws on damaged input and never traps.
public enum ClusterMessage: Sendable {
    /// Executor → driver: register me (answered by `registeredExecutor` or `registerExecutorFailed`).
    case registerExecutor(ExecutorInfo)
    /// Driver → executor: registration accepted.
    case registeredExecutor
    /// Driver → executor: registration refused, and why. The executor exits.
    case registerExecutorFailed(message: String)
    /// Driver → executor: run this task.
    case launchTask(TaskDescription)
    /// Executor → driver: a task ended. A result value crosses only as `[UInt8]`.
    case statusUpdate(executorId: String, taskId: Int64, reason: TaskEndReason, metrics: TaskMetrics)
    /// Driver → executor: stop a running task.
    case killTask(taskId: Int64, reason: String)
    /// Executor → driver: I am alive; the metrics of my running tasks; whether my BlockManager is.
    case heartbeat(executorId: String, taskMetrics: [Int64: TaskMetrics], blockManagerAlive: Bool)
    /// Driver → executor: shut down.
    case stopExecutor
    /// Executor → driver, before registering: the application's configuration (answered by
    /// ``encodeAppConfig(_:)``), as Spark's RetrieveSparkAppConfig, so executors run with the
    /// driver's settings whoever started them.
    case retrieveAppConfig

    /// The version of the wire format this build writes and accepts.
    public static let wireVersion: UInt8 = 1

    /// The number each message type is sent as.
    public enum MessageType: UInt16, Sendable, CaseIterable {
        case registerExecutor = 1
        case registeredExecutor = 2
        case registerExecutorFailed = 3
        case launchTask = 4
        case statusUpdate = 5
        case killTask = 6
        case heartbeat = 7
        case stopExecutor = 8
        case retrieveAppConfig = 9

        /// Spark's name of the message: `RegisterExecutor`.
        public var name: String {
            switch self {
            case .registerExecutor: return "RegisterExecutor"
            case .registeredExecutor: return "RegisteredExecutor"
            case .registerExecutorFailed: return "RegisterExecutorFailed"
            case .launchTask: return "LaunchTask"
            case .statusUpdate: return "StatusUpdate"
            case .killTask: return "KillTask"
            case .heartbeat: return "Heartbeat"
            case .stopExecutor: return "StopExecutor"
            case .retrieveAppConfig: return "RetrieveAppConfig"
            }
        }
    }

    /// This message's type.
    public var messageType: MessageType {
        switch self {
        case .registerExecutor: return .registerExecutor
        case .registeredExecutor: return .registeredExecutor
        case .registerExecutorFailed: return .registerExecutorFailed
        case .launchTask: return .launchTask
        case .statusUpdate: return .statusUpdate
        case .killTask: return .killTask
        case .heartbeat: return .heartbeat
        case .stopExecutor: return .stopExecutor
        case .retrieveAppConfig: return .retrieveAppConfig
        }
    }

    /// The number this message's type is sent as.
    public var typeNumber: UInt16 { messageType.rawValue }

    /// The message's bytes. Throws ``ClusterMessageError/resultNotSerializable(taskId:type:)``
    /// for a status update whose result value is not `[UInt8]`.
    public func encode() throws(ClusterMessageError) -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.write(Self.wireVersion)
        w.writeUInt16(typeNumber)
        switch self {
        case .registerExecutor(let info):
            info.write(to: &w)
        case .registeredExecutor, .stopExecutor, .retrieveAppConfig:
            break
        case .registerExecutorFailed(let message):
            message.write(to: &w)
        case .launchTask(let task):
            task.write(to: &w)
        case .statusUpdate(let executorId, let taskId, let reason, let metrics):
            executorId.write(to: &w)
            taskId.write(to: &w)
            try reason.write(to: &w, taskId: taskId)
            metrics.write(to: &w)
        case .killTask(let taskId, let reason):
            taskId.write(to: &w)
            reason.write(to: &w)
        case .heartbeat(let executorId, let taskMetrics, let blockManagerAlive):
            executorId.write(to: &w)
            w.writeVarInt(UInt64(taskMetrics.count))
            for (taskId, metrics) in taskMetrics.sorted(by: { $0.key < $1.key }) {
                taskId.write(to: &w)
                metrics.write(to: &w)
            }
            blockManagerAlive.write(to: &w)
        }
        return w.bytes
    }

    /// Decodes a message written by ``encode()`` of a build with the same ``wireVersion``.
    public static func decode(_ bytes: [UInt8]) throws(ClusterMessageError) -> ClusterMessage {
        var r = WireReader(bytes, message: "header")
        let version = try r.byte()
        guard version == wireVersion else { throw .unsupportedVersion(found: version, expected: wireVersion) }
        let number = try r.uint16()
        guard let type = MessageType(rawValue: number) else { throw .unknownMessageType(number) }
        r.message = type.name
        let message: ClusterMessage
        switch type {
        case .registerExecutor:
            message = .registerExecutor(try ExecutorInfo.read(from: &r))
        case .registeredExecutor:
            message = .registeredExecutor
        case .registerExecutorFailed:
            message = .registerExecutorFailed(message: try r.string())
        case .launchTask:
            message = .launchTask(try TaskDescription.read(from: &r))
        case .statusUpdate:
            message = .statusUpdate(executorId: try r.string(), taskId: try r.int64(),
                                    reason: try TaskEndReason.read(from: &r), metrics: try TaskMetrics.read(from: &r))
        case .killTask:
            message = .killTask(taskId: try r.int64(), reason: try r.string())
        case .heartbeat:
            let executorId = try r.string()
            var taskMetrics: [Int64: TaskMetrics] = [:]
            for _ in 0..<(try r.count(of: "task metrics")) {
                let taskId = try r.int64()
                guard taskMetrics.updateValue(try TaskMetrics.read(from: &r), forKey: taskId) == nil else {
                    throw r.malformed("task \(taskId) appears twice")
                }
            }
            message = .heartbeat(executorId: executorId, taskMetrics: taskMetrics, blockManagerAlive: try r.bool())
        case .stopExecutor:
            message = .stopExecutor
        case .retrieveAppConfig:
            message = .retrieveAppConfig
        }
        guard r.remaining == 0 else { throw .trailingBytes(message: type.name, count: r.remaining) }
        return message
    }

    /// The answer to ``retrieveAppConfig``: the driver's configuration as `key=value` pairs.
    public static func encodeAppConfig(_ pairs: [(String, String)]) -> [UInt8] {
        var w = ByteWriter(capacity: 256)
        w.writeVarInt(UInt64(pairs.count))
        for (k, v) in pairs {
            k.write(to: &w)
            v.write(to: &w)
        }
        return w.bytes
    }

    /// Reads an answer of ``encodeAppConfig(_:)``.
    public static func decodeAppConfig(_ bytes: [UInt8]) throws(ClusterMessageError) -> [(String, String)] {
        var r = WireReader(bytes, message: "RetrieveAppConfig answer")
        var out: [(String, String)] = []
        for _ in 0..<(try r.count(of: "settings")) { out.append((try r.string(), try r.string())) }
        guard r.remaining == 0 else { throw .trailingBytes(message: "RetrieveAppConfig answer", count: r.remaining) }
        return out
    }
}
