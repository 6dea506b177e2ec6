@testable import Scheduler

/// An executor's channel that records what the driver sends; the test plays the executor
/// by calling the backend's `statusUpdate` and `heartbeat` itself.
final class FakeExecutorChannel: ExecutorChannel {
    struct Sent: Sendable {
        var launched: [TaskDescription] = []
        var kills: [(taskId: Int64, reason: String)] = []
        var stops = 0
    }
    let executorId: String
    private let sent = Locked(Sent())

    init(_ executorId: String) { self.executorId = executorId }

    func launch(_ task: TaskDescription) { sent.mutate { $0.launched.append(task) } }
    func kill(taskId: Int64, reason: String) { sent.mutate { $0.kills.append((taskId, reason)) } }
    func stop() { sent.mutate { $0.stops += 1 } }

    /// Tasks launched here, in order.
    var launched: [TaskDescription] { sent.value.launched }
    var kills: [(taskId: Int64, reason: String)] { sent.value.kills }
    var stops: Int { sent.value.stops }
}
