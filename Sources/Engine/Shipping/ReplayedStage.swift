import Logging
import Runtime
import Scheduler
import Storage
import Synchronization

/// A stage rebuilt on an executor: its RDD, its shuffle dependency or job function.
final class ReplayedStage: @unchecked Sendable {
    // Unchecked: immutable after rebuild; the objects are immutable RDDs and functions.
    let kind: TaskKind
    let rdd: any LineageNode
    let shuffle: ShuffleDependencyBase?
    let function: (any ResultTaskRunning)?

    private init(kind: TaskKind, rdd: any LineageNode, shuffle: ShuffleDependencyBase?, function: (any ResultTaskRunning)?) {
        self.kind = kind
        self.rdd = rdd
        self.shuffle = shuffle
        self.function = function
    }

    static func rebuild(_ bytes: [UInt8], env: TaskEnvironment, conf: EngineConf) throws -> ReplayedStage {
        let binary: StageBinary
        do {
            binary = try BinaryDecoder().decode(StageBinary.self, framedAs: .stageBinary, from: bytes)
        } catch {
            throw ShippingError.corrupt("undecodable stage binary (\(bytes.count) bytes): \(error)")
        }
        guard binary.buildId == BuildIdentity.current else {
            throw ShippingError.corrupt("the driver runs build \(binary.buildId), this executor \(BuildIdentity.current): "
                + "start executors from the same binary as the driver")
        }
        let context = EngineContext(replayingOn: env, conf: conf, defaultParallelism: binary.defaultParallelism)
        var outputs: [Int: AnyObject] = [:]
        var nodes: [Int: any LineageNode] = [:]
        var shuffles: [Int: ShuffleDependencyBase] = [:]
        for call in binary.calls {
            let out = try replay(call, outputs: outputs, context: context)
            guard let node = out as? any LineageNode, node.rddId == call.outputId else {
                throw ShippingError.corrupt("replaying \(call.operation) at \(call.file):\(call.line) did not make RDD \(call.outputId)")
            }
            outputs[call.outputId] = out
            collect(node, into: &nodes, &shuffles)
        }
        for p in binary.persisted {
            guard let node = nodes[p.rddId] as? PersistReplayable else { continue }
            try node.replayPersist(StorageLevel(useDisk: p.useDisk, useMemory: p.useMemory, deserialized: p.deserialized,
                                                replication: p.replication))
        }
        for c in binary.checkpointed {
            guard let node = nodes[c.rddId] as? CheckpointWriting else { continue }
            node.restoreCheckpoint(c.dir.map { .reliable(dir: $0) } ?? .local)
        }
        let fast = binary.calls.filter { $0.fastReplay != nil }.count + (binary.function?.fastReplay != nil ? 1 : 0)
        EngineLogging.logger("TaskBinary").debug(
            "Rebuilt the lineage of a stage binary: \(binary.calls.count + (binary.function == nil ? 0 : 1)) operator calls, \(fast) through specialized replays")
        guard let rdd = nodes[binary.stageRDDId] else {
            throw ShippingError.corrupt("the stage's RDD \(binary.stageRDDId) was not rebuilt")
        }
        if binary.shuffleId >= 0 {
            guard let dep = shuffles[binary.shuffleId] else {
                throw ShippingError.corrupt("shuffle \(binary.shuffleId) was not rebuilt")
            }
            return ReplayedStage(kind: .shuffleMap(shuffleId: binary.shuffleId), rdd: rdd, shuffle: dep, function: nil)
        }
        guard let call = binary.function else { throw ShippingError.corrupt("result stage without a job function") }
        guard let function = try replay(call, outputs: outputs.merging([call.inputIds.first ?? -1: rdd]) { a, _ in a },
                                        context: context) as? any ResultTaskRunning else {
            throw ShippingError.corrupt("\(call.operation) did not rebuild a job function")
        }
        return ReplayedStage(kind: .result(outputIndex: 0), rdd: rdd, shuffle: nil, function: function)
    }

    private static func replay(_ call: StageBinary.Call, outputs: [Int: AnyObject], context: EngineContext) throws -> AnyObject {
        var inputs: [AnyObject] = []
        for id in call.inputIds {
            guard let input = outputs[id] else { throw ShippingError.corrupt("\(call.operation) needs RDD \(id) first") }
            inputs.append(input)
        }
        let input = ReplayInput(context: context, inputs: inputs, functions: call.functions, params: call.params,
                                file: call.file, line: call.line)
        context.resetIds(rdd: call.firstRDDId, shuffle: call.firstShuffleId)
        if let offset = call.fastReplay {
            return try PortableClosure.replayFunction(at: offset, ReplayInput.self, AnyObject.self)(input)
        }
        guard let op = _typeByName(call.operatorType) as? any RDDOperator.Type else {
            throw ShippingError.corrupt("operator \(call.operatorType) of \(call.operation) is unknown in this build")
        }
        return try op.replay(input)
    }

    private static func collect(_ root: any LineageNode, into nodes: inout [Int: any LineageNode],
                                _ shuffles: inout [Int: ShuffleDependencyBase]) {
        var stack: [any LineageNode] = [root]
        while let n = stack.popLast() {
            guard nodes[n.rddId] == nil else { continue }
            nodes[n.rddId] = n
            for dep in n.lineageDependencies {
                switch dep {
                case .narrow(let p): stack.append(p)
                case .shuffle(let s):
                    shuffles[s.shuffleId] = s
                    stack.append(s.mapSide)
                }
            }
        }
    }
}
