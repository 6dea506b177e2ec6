import Broadcast
import CShims
import Foundation
import Logging
import Network
import Scheduler
import Storage
import Synchronization
import Threads

/// When the driver last answered a heartbeat.
final class HeartbeatState: Sendable {
    let beating = Atomic(true)
    private let lastAnswer = Atomic<UInt64>(DispatchTime.now().uptimeNanoseconds)

    func answered() { lastAnswer.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed) }

    var secondsSinceAnswer: Double {
        Double(DispatchTime.now().uptimeNanoseconds &- lastAnswer.load(ordering: .relaxed)) / 1e9
    }
}
