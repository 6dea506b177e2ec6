/// The driver's line to one executor in another process, as the executor's RpcEndpointRef
/// is to Spark's DriverEndpoint. The network layer implements it (one per connection);
/// tests use a fake.
///
/// The calls are one-way and must not block on the executor: a channel queues the message
/// and returns. When the connection drops, the network layer calls
/// ``CoarseGrainedSchedulerBackend/removeExecutor(_:reason:)``. The backend calls a channel
/// without holding its own lock, so an implementation may call back into the backend.
public protocol ExecutorChannel: AnyObject, Sendable {
    /// Sends `task` to the executor to run (``ClusterMessage/launchTask(_:)``).
    func launch(_ task: TaskDescription)
    /// Asks the executor to stop a running task (``ClusterMessage/killTask(taskId:reason:)``).
    func kill(taskId: Int64, reason: String)
    /// Asks the executor to shut down (``ClusterMessage/stopExecutor``).
    func stop()
}
