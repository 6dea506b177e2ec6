// Lower layers whose types appear in the Engine's API (ByteString, TaskContext, JobSummary, …).
@_exported import Storage
@_exported import class Scheduler.TaskContext
@_exported import struct Scheduler.JobSummary
@_exported import struct Scheduler.TaskMetrics
// The configuration and the errors a job sees live in Runtime, which builds the environment from them.
@_exported import struct Runtime.EngineConf
@_exported import enum Runtime.EngineKeys
@_exported import struct Runtime.ConfigKey
@_exported import enum Runtime.MasterURL
@_exported import enum Runtime.ByteSize
@_exported import enum Runtime.EngineError
@_exported import struct Scheduler.PartitionStream
@_exported import class Scheduler.PartitionIterator
