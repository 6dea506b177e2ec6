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

    /// An RDD whose checkpoint the driver wrote: the executor reads its partitions from there.
    struct Checkpointed: Codable {
        var rddId: Int
        /// The directory of a reliable checkpoint; nil for a local one (its persisted blocks).
        var dir: String?
    }

    var buildId: String
    var defaultParallelism: Int
    var calls: [Call]
    var persisted: [Persisted]
    var checkpointed: [Checkpointed] = []
    /// The RDD the stage computes.
    var stageRDDId: Int
    /// The shuffle a map stage writes (-1 for a result stage).
    var shuffleId: Int
    /// The job function of a result stage.
    var function: Call?
}

extension RDD: PersistReplayable {
    var persistedLevel: StorageLevel? { persistState.active?.level }
    func replayPersist(_ level: StorageLevel) throws { try persist(level) }
}

extension RDD: HasOrigin {}

extension RDD: RDDOperationNamed {}

extension ResultFunction: HasOrigin {}
