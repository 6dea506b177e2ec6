import Broadcast
import Storage
import Testing
import Scheduler
@testable import Runtime

private func metrics(_ seed: Int64) -> TaskMetrics {
    var m = TaskMetrics()
    m.accumulatorUpdates = [Int(seed): .long(seed * 3 - 7), Int(seed) + 100: .double(sum: Double(seed) / 3, count: seed),
                            Int(seed) + 200: .collection([[], [1, 2, 3], [UInt8](repeating: UInt8(truncatingIfNeeded: seed), count: 300)])]
    m.recordsRead = seed
    m.bytesRead = seed * 1000
    m.shuffleRecordsWritten = -seed
    m.shuffleBytesWritten = Int64.max - seed
    m.shuffleRecordsRead = Int64.min + seed
    m.shuffleBytesRead = 7
    m.resultRecords = 1
    m.runTimeNanos = UInt64.max - UInt64(seed)
    m.memoryBytesSpilled = 1 << 40
    m.diskBytesSpilled = 3
    m.peakExecutionMemory = 64 << 20
    return m
}

private let status = MapStatus(location: BlockManagerId(executorId: "exec-1", host: "10.0.0.7", port: 7079),
                               sizes: [0, 5, 1 << 33, Int64.max], mapIndex: 12, mapId: 1 << 41)

/// One of every message, and of every task end reason.
private let samples: [ClusterMessage] = [
    .registerExecutor(ExecutorInfo(id: "exec-1", host: "10.0.0.7", port: 7078, cores: 4, memoryMB: 2048,
                                   buildId: "9c41f0e2a7d35b18")),
    .registeredExecutor,
    .registerExecutorFailed(message: "Duplicate executor ID: exec-1 — « already registered »"),
    .launchTask(TaskDescription(taskId: 1 << 40, jobId: 3, stageId: 7, stageAttempt: 2, partition: 11, index: 5,
                                attemptNumber: 1, kind: .shuffleMap(shuffleId: 4), binary: BroadcastHandle(id: 99),
                                executorId: "exec-1")),
    .launchTask(TaskDescription(taskId: 0, jobId: 0, stageId: 0, stageAttempt: 0, partition: 0, index: 0,
                                attemptNumber: 0, kind: .result(outputIndex: 2), binary: BroadcastHandle(id: 0))),
    .statusUpdate(executorId: "exec-1", taskId: 17, reason: .success(.mapStatus(status)), metrics: metrics(3)),
    .statusUpdate(executorId: "exec-1", taskId: 18, reason: .success(.value(TaskResultValue([0, 255, 7] as [UInt8]))),
                  metrics: metrics(4)),
    .statusUpdate(executorId: "exec-2", taskId: 19, reason: .success(.value(TaskResultValue([UInt8]()))),
                  metrics: TaskMetrics()),
    .statusUpdate(executorId: "exec-2", taskId: 20, reason: .exception("disk full on /tmp"), metrics: metrics(5)),
    .statusUpdate(executorId: "exec-2", taskId: 21,
                  reason: .fetchFailed(shuffleId: 2, mapIndex: 9, reduceId: 3, message: "Failed to connect"),
                  metrics: metrics(6)),
    .statusUpdate(executorId: "exec-2", taskId: 22,
                  reason: .fetchFailed(shuffleId: 2, mapIndex: nil, reduceId: 0, message: "no output for map 1"),
                  metrics: metrics(7)),
    .statusUpdate(executorId: "exec-2", taskId: 23, reason: .killed("stage cancelled"), metrics: metrics(8)),
    .statusUpdate(executorId: "exec-2", taskId: 24, reason: .executorLost(executorId: "exec-2", reason: "OOM"),
                  metrics: metrics(9)),
    .killTask(taskId: 1 << 40, reason: "Stage 3 was cancelled"),
    .heartbeat(executorId: "exec-3", taskMetrics: [:], blockManagerAlive: true),
    .heartbeat(executorId: "exec-3", taskMetrics: [5: metrics(1), 1: metrics(2), 300: TaskMetrics()],
               blockManagerAlive: false),
    .stopExecutor,
]

/// Bytes of `message`, recording an issue if it does not encode.
private func bytes(_ message: ClusterMessage, sourceLocation: SourceLocation = #_sourceLocation) -> [UInt8] {
    do {
        return try message.encode()
    } catch {
        Issue.record("\(message.messageType.name) does not encode: \(error)", sourceLocation: sourceLocation)
        return []
    }
}

/// The error decoding `bytes` throws, nil (and an issue) when it decodes.
private func decodeError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> ClusterMessageError? {
    do {
        let m = try ClusterMessage.decode(bytes)
        Issue.record("decoded \(m.messageType.name) from bad bytes \(bytes)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// A deterministic random source (SplitMix64), so a failure is reproducible.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct ClusterMessageTests {
    @Test func typeNumbersAreFixedAndDistinct() {
        #expect(ClusterMessage.MessageType.allCases.map(\.rawValue) == Array(1...9))
        #expect(Set(samples.map(\.typeNumber)).count == 8, "the samples cover every message type")
        #expect(ClusterMessage.stopExecutor.typeNumber == 8)
        #expect(ClusterMessage.registeredExecutor.messageType.name == "RegisteredExecutor")
    }

    /// Every sample decodes to a message of the same type that encodes to the same bytes, so
    /// no field is lost; a header of version and type comes first.
    @Test func everyMessageRoundTrips() throws {
        for message in samples {
            let encoded = bytes(message)
            #expect(encoded.first == ClusterMessage.wireVersion)
            #expect(encoded.count >= 3)
            #expect(UInt16(encoded[1]) | UInt16(encoded[2]) << 8 == message.typeNumber)
            let decoded = try ClusterMessage.decode(encoded)
            #expect(decoded.messageType == message.messageType)
            #expect(bytes(decoded) == encoded, "\(message.messageType.name) changed in a round trip")
        }
        #expect(bytes(.stopExecutor).count == 3)
    }

    /// Field by field, for the messages with the most structure.
    @Test func fieldsSurviveTheRoundTrip() throws {
        guard case .launchTask(let task) = try ClusterMessage.decode(bytes(samples[3])) else {
            Issue.record("LaunchTask decodes as LaunchTask")
            return
        }
        #expect(task.taskId == 1 << 40 && task.jobId == 3 && task.stageId == 7 && task.stageAttempt == 2)
        #expect(task.partition == 11 && task.index == 5 && task.attemptNumber == 1)
        #expect(task.kind == .shuffleMap(shuffleId: 4) && task.binary == BroadcastHandle(id: 99))
        #expect(task.executorId == "exec-1")

        guard case .statusUpdate(let exec, let tid, .success(.mapStatus(let decoded)), let m) =
            try ClusterMessage.decode(bytes(samples[5])) else {
            Issue.record("a map status survives")
            return
        }
        #expect(exec == "exec-1" && tid == 17 && decoded == status && m == metrics(3))

        guard case .statusUpdate(_, _, .success(.value(let value)), _) = try ClusterMessage.decode(bytes(samples[6])) else {
            Issue.record("a result value survives")
            return
        }
        #expect(value.value as? [UInt8] == [0, 255, 7])

        guard case .statusUpdate(_, _, .fetchFailed(let shuffle, let mapIndex, let reduce, let message), _) =
            try ClusterMessage.decode(bytes(samples[10])) else {
            Issue.record("a fetch failure survives")
            return
        }
        #expect(shuffle == 2 && mapIndex == nil && reduce == 0 && message == "no output for map 1")

        guard case .heartbeat(let id, let taskMetrics, let alive) = try ClusterMessage.decode(bytes(samples[15])) else {
            Issue.record("a heartbeat survives")
            return
        }
        #expect(id == "exec-3" && !alive)
        #expect(taskMetrics == [5: metrics(1), 1: metrics(2), 300: TaskMetrics()])

        guard case .registerExecutor(let info) = try ClusterMessage.decode(bytes(samples[0])) else {
            Issue.record("RegisterExecutor decodes as RegisterExecutor")
            return
        }
        #expect(info == ExecutorInfo(id: "exec-1", host: "10.0.0.7", port: 7078, cores: 4, memoryMB: 2048,
                                     buildId: "9c41f0e2a7d35b18"))
    }

    /// Only bytes cross as a task's result; anything else is refused when encoding, naming
    /// the task and the type.
    @Test func resultValueMustBeBytes() {
        let update = ClusterMessage.statusUpdate(executorId: "exec-1", taskId: 42,
                                                 reason: .success(.value(TaskResultValue([1, 2, 3]))), metrics: TaskMetrics())
        #expect(throws: ClusterMessageError.resultNotSerializable(taskId: 42, type: "Array<Int>")) { try update.encode() }
        do {
            _ = try ClusterMessage.statusUpdate(executorId: "e", taskId: 7, reason: .success(.value(TaskResultValue("ok"))),
                                                metrics: TaskMetrics()).encode()
            Issue.record("a String result is not bytes")
        } catch {
            #expect(error == .resultNotSerializable(taskId: 7, type: "String"))
            #expect(error.description.contains("the result of task 7 (a value of type String) is not serializable"))
            #expect(error.description.contains("encode the result as bytes"))
        }
    }

    /// Every strict prefix of every message throws.
    @Test func truncatedMessagesThrow() {
        for message in samples {
            let full = bytes(message)
            for n in 0..<full.count {
                _ = decodeError(Array(full[..<n]))
            }
        }
        #expect(decodeError([]) == .malformed(message: "header", detail: "record stream ends in the middle of a value"))
        #expect(decodeError([ClusterMessage.wireVersion, 4]) != nil)
    }

    @Test func foreignHeadersAndTrailingBytesThrow() {
        var other = bytes(.stopExecutor)
        other[0] = ClusterMessage.wireVersion + 1
        let version = decodeError(other)
        #expect(version == .unsupportedVersion(found: ClusterMessage.wireVersion + 1, expected: ClusterMessage.wireVersion))
        #expect(version?.description.contains("same binary") == true)

        #expect(decodeError([ClusterMessage.wireVersion, 0xE7, 0x03]) == .unknownMessageType(999))
        #expect(decodeError([ClusterMessage.wireVersion, 0, 0]) == .unknownMessageType(0))
        #expect(decodeError(bytes(.registeredExecutor) + [0]) == .trailingBytes(message: "RegisteredExecutor", count: 1))
        #expect(decodeError(bytes(samples[5]) + [1, 2]) == .trailingBytes(message: "StatusUpdate", count: 2))
    }

    @Test func damagedFieldsThrowWithTheMessageName() {
        // A heartbeat announcing a billion task entries in a few bytes.
        var w = ByteWriter()
        w.write(ClusterMessage.wireVersion)
        w.writeUInt16(ClusterMessage.MessageType.heartbeat.rawValue)
        "exec-1".write(to: &w)
        w.writeVarInt(1_000_000_000)
        w.write(1)
        guard case .malformed(let name, let detail)? = decodeError(w.bytes) else {
            Issue.record("a huge count is damage")
            return
        }
        #expect(name == "Heartbeat" && detail.contains("1000000000 task metrics announced"))

        // The same task twice in one heartbeat.
        var twice = ByteWriter()
        twice.write(ClusterMessage.wireVersion)
        twice.writeUInt16(ClusterMessage.MessageType.heartbeat.rawValue)
        "exec-1".write(to: &twice)
        twice.writeVarInt(2)
        for _ in 0..<2 {
            Int64(5).write(to: &twice)
            metrics(1).write(to: &twice)
        }
        true.write(to: &twice)
        #expect(decodeError(twice.bytes) == .malformed(message: "Heartbeat", detail: "task 5 appears twice"))

        // Not UTF-8 where a string belongs.
        var kill = bytes(.killTask(taskId: 1, reason: "ab"))
        kill[kill.count - 1] = 0xFF
        guard case .malformed(let killName, let killDetail)? = decodeError(kill) else {
            Issue.record("invalid UTF-8 is damage")
            return
        }
        #expect(killName == "KillTask" && killDetail.contains("not valid UTF-8"))

        // An unknown task end reason.
        var update = bytes(.statusUpdate(executorId: "e", taskId: 1, reason: .killed("x"), metrics: TaskMetrics()))
        let tagAt = 3 + 2 + 1  // header, "e" (length + byte), task id 1
        #expect(update[tagAt] == 4)
        update[tagAt] = 77
        #expect(decodeError(update) == .malformed(message: "StatusUpdate", detail: "unknown TaskEndReason tag 77"))
    }

    /// Random damage to real messages, and random bytes: decoding throws or yields a
    /// message, and never traps.
    @Test func garbledInputNeverTraps() {
        var rng = SeededGenerator(state: 20_251_121)
        var thrown = 0, decoded = 0
        for message in samples {
            let good = bytes(message)
            for _ in 0..<300 {
                var bad = good
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let i = Int.random(in: 0..<bad.count, using: &rng)
                    bad[i] = UInt8.random(in: 0...255, using: &rng)
                }
                if Bool.random(using: &rng) { bad = Array(bad.prefix(Int.random(in: 0...bad.count, using: &rng))) }
                if (try? ClusterMessage.decode(bad)) == nil { thrown += 1 } else { decoded += 1 }
            }
        }
        for _ in 0..<2000 {
            var noise = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if noise.count >= 3 && Bool.random(using: &rng) {
                noise[0] = ClusterMessage.wireVersion
                noise[1] = UInt8.random(in: 1...8, using: &rng)
                noise[2] = 0
            }
            if (try? ClusterMessage.decode(noise)) == nil { thrown += 1 } else { decoded += 1 }
        }
        #expect(thrown > 0)
        #expect(thrown + decoded == samples.count * 300 + 2000)
    }
}
