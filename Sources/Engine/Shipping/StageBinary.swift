import Runtime
import Scheduler
import Storage

/// A stage's `(rdd, shuffleDep)` or `(rdd, func)` as it travels: the operator calls that
/// rebuild the lineage (inputs before the calls that use them), the storage levels of
/// persisted RDDs, and what the stage runs. Encoded with the engine's binary coder in a
/// ``SerializedFrame`` of kind `stageBinary` (the frame's kind and version replace a magic).
struct StageBinary: Codable {
    struct Call: Codable {
        var operatorType: String
        var fastReplay: UInt64?
        var operation: String
        var inputIds: [Int]
        var functions: [ShippedFunction]
        var params: [UInt8]
        var file: String
        var line: Int
        var firstRDDId: Int
        var firstShuffleId: Int
        /// The id of the RDD the call returns (-1 for a job function).
        var outputId: Int
    }

    struct Persisted: Codable {
        var rddId: Int
        var useDisk: Bool
        var useMemory: Bool
        var deserialized: Bool
        var replication: Int
    }

    var buildId: String
    var defaultParallelism: Int
    var calls: [Call]
    var persisted: [Persisted]
    /// The RDD the stage computes.
    var stageRDDId: Int
    /// The shuffle a map stage writes (-1 for a result stage).
    var shuffleId: Int
    /// The job function of a result stage.
    var function: Call?
}

/// Why a lineage cannot be encoded: the first operation whose functions cannot travel, or that
/// made an RDD without recording how.
enum LineageEncoding {
    /// Encodes the calls that rebuild `root` and everything it depends on.
    static func calls(from root: any LineageNode) throws(ShippingError) -> (calls: [StageBinary.Call], persisted: [StageBinary.Persisted]) {
        var order: [StageBinary.Call] = []
        var persisted: [StageBinary.Persisted] = []
        var done: Set<Int> = []
        var visiting: Set<Int> = []
        func visit(_ node: any LineageNode) throws(ShippingError) {
            if done.contains(node.rddId) { return }
            guard let call = (node as? HasOrigin)?.origin.value else {
                throw .unsupported("\((node as? RDDOperationNamed)?.operation ?? node.debugName) at \(node.callSite)")
            }
            guard visiting.insert(node.rddId).inserted else { throw .corrupt("cycle at \(node.debugName)") }
            for input in call.inputs { try visit(input) }
            if let bad = call.notSerializable { throw bad }
            order.append(encode(call, outputId: node.rddId))
            if let level = (node as? PersistReplayable)?.persistedLevel {
                persisted.append(.init(rddId: node.rddId, useDisk: level.useDisk, useMemory: level.useMemory,
                                       deserialized: level.deserialized, replication: level.replication))
            }
            done.insert(node.rddId)
        }
        try visit(root)
        return (order, persisted)
    }

    static func encode(_ call: OperatorCall, outputId: Int) -> StageBinary.Call {
        StageBinary.Call(operatorType: call.operatorType, fastReplay: call.fastReplay, operation: call.operation,
                         inputIds: call.inputs.map(\.rddId), functions: call.functions, params: call.params,
                         file: call.file, line: call.line, firstRDDId: call.firstRDDId,
                         firstShuffleId: call.firstShuffleId, outputId: outputId)
    }
}

/// An RDD whose storage level a replayed lineage must restore.
protocol PersistReplayable {
    var persistedLevel: StorageLevel? { get }
    func replayPersist(_ level: StorageLevel) throws
}

extension RDD: PersistReplayable {
    var persistedLevel: StorageLevel? { persistState.active?.level }
    func replayPersist(_ level: StorageLevel) throws { try persist(level) }
}

extension RDD: HasOrigin {}

/// The operation that made an RDD, for errors about lineages that cannot travel.
protocol RDDOperationNamed { var operation: String { get } }
extension RDD: RDDOperationNamed {}

extension ResultFunction: HasOrigin {}
