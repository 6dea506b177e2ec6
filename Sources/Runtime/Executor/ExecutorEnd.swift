import Broadcast
import CShims
import Foundation
import Logging
import Network
import Scheduler
import Storage
import Synchronization
import Threads

/// Why an executor's run ended.
enum ExecutorEnd: Sendable {
    case stopped
    case driverLost(String)
}
