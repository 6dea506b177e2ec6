import Foundation

/// Which broadcasts a shipped function refers to: while ``collecting(_:)`` runs on a thread,
/// every `Broadcast` decoded there notes its id. The driver decodes a job's functions this way
/// before it runs, so that a destroyed broadcast fails the job before any task runs.
enum BroadcastReferences {
    private static let key = "engine.broadcastReferences"

    /// Runs `body` and returns the ids of the broadcasts decoded meanwhile on this thread.
    static func collecting(_ body: () throws -> Void) rethrows -> [Int] {
        let dictionary = Thread.current.threadDictionary
        let previous = dictionary[key]
        let ids = Collected()
        dictionary[key] = ids
        defer { dictionary[key] = previous }
        try body()
        return ids.ids
    }

    /// A broadcast handle was decoded on this thread.
    static func note(_ id: Int) {
        (Thread.current.threadDictionary[key] as? Collected)?.ids.append(id)
    }

    /// The ids noted on one thread (only that thread touches it).
    private final class Collected: @unchecked Sendable {
        var ids: [Int] = []
    }
}
