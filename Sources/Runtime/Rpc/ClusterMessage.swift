import Scheduler
import Storage

/// The messages between the driver and executors in other processes, as Spark's
/// CoarseGrainedClusterMessages, each with a compact binary form for the RPC layer.
///
/// A message is a ``SerializedFrame`` that fills its RPC payload: a header — the wire version
/// (1 byte) and the message type (``MessageType``, 2 bytes little-endian) — then its fields as
/// ``BinaryRecord``s (see `MessageFields.swift`); answers are framed the same way, with the
/// type of the message they answer.
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

    /// The version of the wire format this build writes and accepts: the version byte of every
    /// message's and answer's ``SerializedFrame`` header. 2: answers are framed too.
    public static let wireVersion: UInt8 = 2

    /// The number each message type is sent as.
    public enum MessageType: UInt16, Sendable, CaseIterable {
        /// 1: Spark's RegisterExecutor, an executor asking the driver to accept it.
        case registerExecutor = 1
        /// 2: RegisteredExecutor, the driver accepting an executor.
        case registeredExecutor = 2
        /// 3: RegisterExecutorFailed, the driver refusing an executor (which then exits).
        case registerExecutorFailed = 3
        /// 4: LaunchTask, a task sent to an executor to run.
        case launchTask = 4
        /// 5: StatusUpdate, a task's end (result or failure) and metrics, sent to the driver.
        case statusUpdate = 5
        /// 6: KillTask, the driver stopping a running task.
        case killTask = 6
        /// 7: Heartbeat, an executor's liveness report with its running tasks' metrics.
        case heartbeat = 7
        /// 8: StopExecutor, the driver shutting an executor down.
        case stopExecutor = 8
        /// 9: RetrieveAppConfig (Spark's RetrieveSparkAppConfig), an executor asking for the driver's
        /// configuration, and its answer.
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
        var w = MessageCoding.writer(type: typeNumber, name: messageType.name)
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
        var (r, number) = try MessageCoding.open(bytes)
        guard let type = MessageType(rawValue: number) else { throw .unknownMessageType(number) }
        return try MessageCoding.readFields(&r, message: type.name) { r throws(StorageError) in try fields(of: type, from: &r) }
    }

    /// The fields of a message of `type`.
    private static func fields(of type: MessageType, from r: inout ByteReader) throws(StorageError) -> ClusterMessage {
        switch type {
        case .registerExecutor:
            return .registerExecutor(try ExecutorInfo.read(from: &r))
        case .registeredExecutor:
            return .registeredExecutor
        case .registerExecutorFailed:
            return .registerExecutorFailed(message: try String.read(from: &r))
        case .launchTask:
            return .launchTask(try TaskDescription.read(from: &r))
        case .statusUpdate:
            return .statusUpdate(executorId: try String.read(from: &r), taskId: try Int64.read(from: &r),
                                 reason: try TaskEndReason.read(from: &r), metrics: try TaskMetrics.read(from: &r))
        case .killTask:
            return .killTask(taskId: try Int64.read(from: &r), reason: try String.read(from: &r))
        case .heartbeat:
            let executorId = try String.read(from: &r)
            var taskMetrics: [Int64: TaskMetrics] = [:]
            for _ in 0..<(try r.readCount(of: "task metrics")) {
                let taskId = try Int64.read(from: &r)
                guard taskMetrics.updateValue(try TaskMetrics.read(from: &r), forKey: taskId) == nil else {
                    throw .corrupt("task \(taskId) appears twice")
                }
            }
            return .heartbeat(executorId: executorId, taskMetrics: taskMetrics, blockManagerAlive: try Bool.read(from: &r))
        case .stopExecutor:
            return .stopExecutor
        case .retrieveAppConfig:
            return .retrieveAppConfig
        }
    }

    /// The answer to ``retrieveAppConfig``: the driver's configuration as `key=value` pairs,
    /// framed as an answer to ``MessageType/retrieveAppConfig``.
    public static func encodeAppConfig(_ pairs: [(String, String)]) -> [UInt8] {
        var w = MessageCoding.writer(type: MessageType.retrieveAppConfig.rawValue, name: appConfigAnswer, capacity: 256)
        w.writeVarInt(UInt64(pairs.count))
        for (k, v) in pairs {
            k.write(to: &w)
            v.write(to: &w)
        }
        return w.bytes
    }

    /// Reads an answer of ``encodeAppConfig(_:)``.
    public static func decodeAppConfig(_ bytes: [UInt8]) throws(ClusterMessageError) -> [(String, String)] {
        try MessageCoding.decodeAnswer(bytes, answering: MessageType.retrieveAppConfig.rawValue,
                                       name: appConfigAnswer) { r throws(StorageError) in
            var out: [(String, String)] = []
            for _ in 0..<(try r.readCount(of: "settings")) { out.append((try String.read(from: &r), try String.read(from: &r))) }
            return out
        }
    }

    private static let appConfigAnswer = "RetrieveAppConfig answer"
}
