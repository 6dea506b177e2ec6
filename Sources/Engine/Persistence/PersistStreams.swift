import Runtime
import Scheduler
import Storage
import Synchronization
import Threads

enum PersistStreams {
    static func of<T>(_ chunks: [[T]]) -> PartitionStream<T> {
        var i = 0
        return PartitionStream {
            guard i < chunks.count else { return nil }
            defer { i += 1 }
            return chunks[i]
        }
    }
}
