import Threads
import Foundation
import Logging
import Scheduler
import Synchronization

/// How the cleaner's tasks are carried out: ``DriverRemovals`` on a driver, a recording fake in
/// tests. Each call runs on the cleaner's thread; a thrown error is logged and cleaning goes on.
package protocol CleanupActions: Sendable {
    /// Removes RDD `rddId`'s cached blocks; with `blocking`, waits for every executor to have done
    /// it. Returns how many the driver itself held.
    func removeRDD(_ rddId: Int, blocking: Bool) throws -> Int
    /// Removes shuffle `shuffleId`'s files and registrations; with `blocking`, waits for the executors.
    func removeShuffle(_ shuffleId: Int, blocking: Bool) throws
    /// Removes broadcast `broadcastId` everywhere; with `blocking`, waits for the executors.
    func removeBroadcast(_ broadcastId: Int, blocking: Bool) throws
    /// Deletes the checkpoint files of RDD `rddId` under `path`.
    func removeCheckpoint(rddId: Int, path: String) throws
}
