// What a job sees of the lower layers when it writes `import Engine`: only the types that
// appear in the Engine's public API or that a job uses with it, each listed below with the
// reason. The rest of Storage (BlockManager, DiskStore, MemoryStore, the serializers, …) and
// of Scheduler stays inside the engine; a test that needs it imports that module itself.

// Storage

// The record type of `EngineContext.textFileBytes`: lines as raw bytes, which a job maps,
// splits into words, concatenates (`+` below) and saves with `saveAsTextFile`.
@_exported import struct Storage.ByteString
// What `ByteString.words` returns: a job may name it (a `flatMap` result, a helper's signature).
@_exported import struct Storage.ASCIIWhitespaceWords
// The argument of `RDD.persist(_:)` and the type of `RDD.storageLevel`.
@_exported import struct Storage.StorageLevel

// Scheduler

// What `TaskContext.get()` returns inside a task: partition id, attempt number, interruption.
@_exported import class Scheduler.TaskContext
// The type of `EngineContext.lastJobSummary` and the argument of `JobSummaryText.describe(_:)`.
@_exported import struct Scheduler.JobSummary
// The type of `EngineContext.totalMetrics` and the argument of `JobSummaryText.spills(_:)`.
@_exported import struct Scheduler.TaskMetrics

// Runtime

// The configuration and the errors a job sees live in Runtime, which builds the environment from them:
// `EngineContext(conf:)` takes an EngineConf of EngineKeys' ConfigKeys, a master is a MasterURL,
// sizes are formatted with ByteSize, and every API call throws EngineError.
@_exported import struct Runtime.EngineConf
@_exported import enum Runtime.EngineKeys
@_exported import struct Runtime.ConfigKey
@_exported import enum Runtime.MasterURL
@_exported import enum Runtime.ByteSize
@_exported import enum Runtime.EngineError

// Scheduler, again: a partition's records as `mapPartitions` and `foreachPartition` see them.
@_exported import struct Scheduler.PartitionStream
@_exported import class Scheduler.PartitionIterator

import Storage

extension ByteString {
    /// `lhs` followed by `rhs`. Declared here rather than in Storage: a scoped re-export
    /// (`import struct`) brings a type's members but not its operators.
    @inlinable
    public static func + (lhs: ByteString, rhs: ByteString) -> ByteString { lhs.appending(rhs) }
}
