import Runtime
import Scheduler
import Storage

/// Why a lineage cannot be encoded: the first operation whose functions cannot travel, or that
/// made an RDD without recording how.
enum LineageEncoding {
    /// Encodes the calls that rebuild `root` and everything it depends on.
    static func calls(from root: any LineageNode) throws(ShippingError)
        -> (calls: [StageBinary.Call], persisted: [StageBinary.Persisted], checkpointed: [StageBinary.Checkpointed]) {
        var order: [StageBinary.Call] = []
        var persisted: [StageBinary.Persisted] = []
        var checkpointed: [StageBinary.Checkpointed] = []
        var done: Set<Int> = []
        var visiting: Set<Int> = []
        func visit(_ node: any LineageNode) throws(ShippingError) {
            if done.contains(node.rddId) { return }
            // A checkpointed RDD travels as its checkpoint: its lineage is cut on executors too.
            if let read = (node as? CheckpointReplaying)?.checkpointReadCall() {
                order.append(read)
                record(node)
                return
            }
            guard let call = (node as? HasOrigin)?.origin.value else {
                throw .unsupported("\((node as? RDDOperationNamed)?.operation ?? node.debugName) at \(node.callSite)")
            }
            guard visiting.insert(node.rddId).inserted else { throw .corrupt("cycle at \(node.debugName)") }
            for input in call.inputs { try visit(input) }
            if let bad = call.notSerializable { throw bad }
            order.append(encode(call, outputId: node.rddId))
            record(node)
        }
        /// Notes `node`'s storage level and checkpoint for the executor, and that it is encoded.
        func record(_ node: any LineageNode) {
            if let level = (node as? PersistReplayable)?.persistedLevel {
                persisted.append(.init(rddId: node.rddId, useDisk: level.useDisk, useMemory: level.useMemory,
                                       deserialized: level.deserialized, replication: level.replication))
            }
            switch (node as? CheckpointWriting)?.writtenCheckpoint {
            case .reliable(let dir)?: checkpointed.append(.init(rddId: node.rddId, dir: dir))
            case .local?: checkpointed.append(.init(rddId: node.rddId, dir: nil))
            case nil: break
            }
            done.insert(node.rddId)
        }
        try visit(root)
        return (order, persisted, checkpointed)
    }

    static func encode(_ call: OperatorCall, outputId: Int) -> StageBinary.Call {
        StageBinary.Call(operatorType: call.operatorType, fastReplay: call.fastReplay, operation: call.operation,
                         inputIds: call.inputs.map(\.rddId), functions: call.functions, params: call.params,
                         file: call.file, line: call.line, firstRDDId: call.firstRDDId,
                         firstShuffleId: call.firstShuffleId, outputId: outputId)
    }
}
