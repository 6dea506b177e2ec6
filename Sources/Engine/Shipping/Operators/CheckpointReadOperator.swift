import Runtime
import Scheduler
import Storage

/// What an executor needs to stand a checkpointed RDD in for its lineage: its shape.
struct CheckpointReadParams: Codable {
    var numPartitions: Int
    /// The partition count of its HashPartitioner, if it has one.
    var hashPartitions: Int?
    var kindName: String
    var operation: String
}

/// A checkpointed RDD as its stage binary carries it: no inputs (the lineage is cut), the same
/// id, partition count and partitioner; ``ReplayedStage`` then points it at its checkpoint.
/// Nothing of the lineage before the checkpoint is rebuilt, so a source whose input is gone
/// since (a deleted text file) does not matter, as in Spark.
enum CheckpointReadOperator<T>: RDDOperator {
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(CheckpointReadParams.self)
        let site = makeCallSite(i.file, i.line)
        return RDD<T>(context: i.context, kind: p.kindName, operation: p.operation, numPartitions: p.numPartitions,
                      dependencies: [], partitioner: p.hashPartitions.map { HashPartitioner($0) }, callSite: site) { _, _ in
            throw ShippingError.corrupt("the checkpoint of the RDD made at \(site) was not restored on this executor")
        }
    }
}

/// An RDD that can travel as its checkpoint instead of its lineage.
protocol CheckpointReplaying {
    /// The call that stands this RDD in for its lineage on an executor, once its checkpoint
    /// is written and its partitioner can travel (none, or a HashPartitioner); else nil.
    func checkpointReadCall() -> StageBinary.Call?
}

extension RDD: CheckpointReplaying {
    func checkpointReadCall() -> StageBinary.Call? {
        guard checkpointState.written != nil else { return nil }
        var hash: Int?
        if let partitioner {
            guard let h = partitioner as? HashPartitioner else { return nil }
            hash = h.requestedPartitions
        }
        let params = CheckpointReadParams(numPartitions: numPartitions, hashPartitions: hash, kindName: kindName,
                                          operation: operation)
        guard let encoded = try? BinaryEncoder().encode(params) else { return nil }
        let site = origin.value
        return StageBinary.Call(operatorType: _mangledTypeName(CheckpointReadOperator<T>.self) ?? "\(CheckpointReadOperator<T>.self)",
                                fastReplay: nil, operation: operation, inputIds: [], functions: [], params: encoded,
                                file: site?.file ?? callSite, line: site?.line ?? 0, firstRDDId: id,
                                firstShuffleId: site?.firstShuffleId ?? 0, outputId: id)
    }
}
