import Logging
import Runtime
import Scheduler
import Storage
import Synchronization

/// A shuffle dependency that knows the RDD whose recorded call made it (to rebuild it elsewhere).
protocol ReplayRooted: AnyObject {
    var replayRoot: (any LineageNode)? { get }
}
