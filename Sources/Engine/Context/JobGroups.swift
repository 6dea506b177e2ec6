import Foundation
import Synchronization

/// The job group and tags of driver threads, and the running jobs they were given, as the
/// thread-local properties of Spark's SparkContext (`spark.jobGroup.id`, `spark.job.tags`)
/// and the DAGScheduler's lookup of active jobs by group and tag.
final class JobGroups: Sendable {
    /// A thread's group and tags, as set by ``EngineContext/setJobGroup(_:description:interruptOnCancel:)``
    /// and ``EngineContext/addJobTag(_:)``.
    struct Properties: Sendable {
        var group: String?
        var description: String?
        var interruptOnCancel = false
        var tags: Set<String> = []
    }

    private let running = Mutex<[Int: Properties]>([:])
    /// The key of this context's properties in each thread's dictionary.
    private let key = "engine.jobProperties.\(UUID().uuidString)"

    init() {}

    /// The calling thread's properties.
    var current: Properties {
        get { (Thread.current.threadDictionary[key] as? PropertiesBox)?.value ?? Properties() }
        set { Thread.current.threadDictionary[key] = PropertiesBox(newValue) }
    }

    /// Job `jobId` runs with the calling thread's properties until ``finished(_:)``.
    func started(_ jobId: Int) {
        let p = current
        running.withLock { $0[jobId] = p }
    }

    func finished(_ jobId: Int) { _ = running.withLock { $0.removeValue(forKey: jobId) } }

    /// The running jobs of group `group`.
    func jobs(inGroup group: String) -> [Int] {
        running.withLock { $0.filter { $0.value.group == group }.map(\.key).sorted() }
    }

    /// The running jobs tagged `tag`.
    func jobs(taggedWith tag: String) -> [Int] {
        running.withLock { $0.filter { $0.value.tags.contains(tag) }.map(\.key).sorted() }
    }

    /// A class, so that a thread dictionary holds it as it is.
    private final class PropertiesBox {
        let value: Properties
        init(_ value: Properties) { self.value = value }
    }
}
