import Logging
import Runtime
import Scheduler
import Storage
import Synchronization

/// The task binary codec of executors in other processes (and of local mode's portable test
/// setting): a stage's `(rdd, shuffleDep)` or `(rdd, func)` is written as the operator calls that
/// rebuild its lineage (``StageBinary``); an executor replays them once per stage attempt in a
/// context of its own and runs its tasks on the rebuilt RDDs. Results come back encoded.
final class PortableTaskBinaryCodec: TaskBinaryCodec {
    private let conf: EngineConf
    private let logger: Logger
    private let driverParallelism = Mutex<(@Sendable () -> Int)?>(nil)
    /// Stages rebuilt on this process, by task-binary broadcast id (most recent last).
    private let decoded = Mutex<[(id: Int, stage: ReplayedStage)]>([])
    private static let keep = 16

    init(conf: EngineConf, logger: Logger) {
        self.conf = conf
        self.logger = logger
    }

    /// The driver's context, whose default parallelism replays must reproduce.
    func attach(driverContext: EngineContext) {
        let weak = WeakContext(driverContext)
        driverParallelism.withLock { $0 = { weak.context?.defaultParallelism ?? 1 } }
    }

    // MARK: driver

    func serialize(_ source: StageBinarySource) throws -> [UInt8] {
        var binary: StageBinary
        switch source {
        case .shuffleMap(let rdd, let dep):
            guard let root = (dep as? ReplayRooted)?.replayRoot else {
                throw ShippingError.notSerializable(operation: "shuffle \(dep.shuffleId) of \(rdd.debugName)",
                                                    callSite: rdd.callSite, reason: "has no recorded operation")
            }
            let lineage = try LineageEncoding.calls(from: root)
            binary = StageBinary(buildId: BuildIdentity.current, defaultParallelism: parallelism, calls: lineage.calls,
                                 persisted: lineage.persisted, checkpointed: lineage.checkpointed, stageRDDId: rdd.rddId,
                                 shuffleId: dep.shuffleId, function: nil)
        case .result(let rdd, let function):
            let lineage = try LineageEncoding.calls(from: rdd)
            guard let call = (function as? HasOrigin)?.origin.value else {
                throw ShippingError.notSerializable(operation: "the job function on \(rdd.debugName)", callSite: rdd.callSite,
                                                    reason: "was not made by a recorded action")
            }
            if let bad = call.notSerializable { throw bad }
            binary = StageBinary(buildId: BuildIdentity.current, defaultParallelism: parallelism, calls: lineage.calls,
                                 persisted: lineage.persisted, checkpointed: lineage.checkpointed, stageRDDId: rdd.rddId, shuffleId: -1,
                                 function: LineageEncoding.encode(call, outputId: -1))
        }
        return try BinaryEncoder().encode(binary, framedAs: .stageBinary)
    }

    private var parallelism: Int { driverParallelism.withLock { $0 }?() ?? 1 }

    func release(_ binary: [UInt8]) {}

    /// Checks that every function `function` and `rdd`'s lineage need can travel, before any task runs,
    /// and that none refers to a destroyed broadcast (`destroyed` gives the error for an id, or nil).
    static func validate(rdd: any LineageNode, function: any JobFunction,
                         destroyed: (Int) -> String? = { _ in nil }) throws(ShippingError) {
        let lineage = try LineageEncoding.calls(from: rdd)
        var shipped = lineage.calls.map { ($0.operation, makeCallSite($0.file, $0.line), $0.functions) }
        if let call = (function as? HasOrigin)?.origin.value {
            shipped.append((call.operation, makeCallSite(call.file, call.line), call.functions))
        }
        for (operation, site, functions) in shipped {
            for f in functions {
                guard case .codable = f else { continue }
                let ids = BroadcastReferences.collecting { _ = try? f.function(as: Any.self) }
                for id in ids {
                    if let message = destroyed(id) {
                        throw .destroyedBroadcast(operation: operation, callSite: site, message: message)
                    }
                }
            }
        }
        var seen: Set<Int> = []
        var stack: [any LineageNode] = [rdd]
        while let node = stack.popLast() {
            guard seen.insert(node.rddId).inserted else { continue }
            for dep in node.lineageDependencies {
                switch dep {
                case .narrow(let p): stack.append(p)
                case .shuffle(let s):
                    stack.append(s.mapSide)
                    if (s as? ReplayRooted)?.replayRoot == nil {
                        throw .notSerializable(operation: "shuffle \(s.shuffleId) of \(node.debugName)", callSite: node.callSite,
                                               reason: "has no recorded operation")
                    }
                }
            }
        }
        guard let call = (function as? HasOrigin)?.origin.value else {
            throw .notSerializable(operation: "the job function on \(rdd.debugName)", callSite: rdd.callSite,
                                   reason: "was not made by a recorded action")
        }
        if let bad = call.notSerializable { throw bad }
    }

    // MARK: executor

    func runTask(_ task: TaskDescription, binary: [UInt8], context: TaskContext) throws -> TaskOutcome {
        let stage = try replayed(task.binary.id, binary, env: context.env)
        switch task.kind {
        case .shuffleMap(let shuffleId):
            guard case .shuffleMap(shuffleId) = stage.kind else {
                throw TaskBinaryError.mismatch("\(task.name) does not write the shuffle of its stage binary")
            }
            guard let runner = stage.shuffle as? ShuffleMapRunning else {
                throw TaskBinaryError.mismatch("shuffle binary without its shuffle dependency")
            }
            return .mapStatus(try runner.runMapTask(partition: task.partition, context: context))
        case .result:
            guard let function = stage.function else { throw TaskBinaryError.mismatch("result binary without function") }
            return .value(TaskResultValue(try function.runEncodedResultTask(rdd: stage.rdd, partition: task.partition,
                                                                            context: context)))
        }
    }

    /// The stage of `binary`, rebuilt once per process.
    private func replayed(_ id: Int, _ binary: [UInt8], env: TaskEnvironment) throws -> ReplayedStage {
        if let hit = decoded.withLock({ $0.first { $0.id == id }?.stage }) { return hit }
        // Rebuilding is cheap (no data); two tasks racing here both rebuild and one result is kept.
        let stage = try ReplayedStage.rebuild(binary, env: env, conf: conf)
        return decoded.withLock { list in
            if let hit = list.first(where: { $0.id == id }) { return hit.stage }
            list.append((id, stage))
            if list.count > Self.keep { list.removeFirst() }
            return stage
        }
    }
}
