// Lower layers whose types appear in the Engine's API (ByteString, TaskContext, JobSummary, …).
@_exported import Storage
@_exported import class Scheduler.TaskContext
@_exported import struct Scheduler.JobSummary
@_exported import struct Scheduler.TaskMetrics
