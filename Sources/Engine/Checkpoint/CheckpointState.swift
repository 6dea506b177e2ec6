import Runtime
import Scheduler
import Synchronization

/// An RDD's checkpoint life, as Spark's RDDCheckpointData: marked by `checkpoint()`, written
/// by a job after the first action that computes the RDD, then read from its files; from then
/// on the RDD has no dependencies (its lineage is cut).
@usableFromInline
final class CheckpointState<T>: @unchecked Sendable {
    // Unchecked: `phase` is only touched under `lock`.
    enum Phase {
        case none
        /// Marked; `write` runs the writing job and returns the reader of what it wrote.
        case marked(write: () throws -> @Sendable (Int, TaskContext) throws -> PartitionStream<T>)
        case writing
        case checkpointed(@Sendable (Int, TaskContext) throws -> PartitionStream<T>, description: String)
    }

    private let lock = Mutex(())
    private var phase = Phase.none

    @usableFromInline init() {}

    /// The reader of the written partitions, once checkpointed.
    @usableFromInline var reader: (@Sendable (Int, TaskContext) throws -> PartitionStream<T>)? {
        lock.withLock { _ in
            if case .checkpointed(let r, _) = phase { return r }
            return nil
        }
    }

    var isCheckpointed: Bool { reader != nil }

    /// Where the checkpoint lives, once written.
    var location: String? {
        lock.withLock { _ in
            if case .checkpointed(_, let d) = phase { return d }
            return nil
        }
    }

    var isMarked: Bool {
        lock.withLock { _ in
            if case .marked = phase { return true }
            return false
        }
    }

    /// Marks the RDD; a second mark or a mark after writing changes nothing.
    func mark(_ write: @escaping () throws -> @Sendable (Int, TaskContext) throws -> PartitionStream<T>) {
        lock.withLock { _ in
            if case .none = phase { phase = .marked(write: write) }
        }
    }

    /// Writes the checkpoint if marked and not yet written (once, even when jobs race).
    func writeIfMarked(description: String) throws {
        let write: (() throws -> @Sendable (Int, TaskContext) throws -> PartitionStream<T>)? = lock.withLock { _ in
            guard case .marked(let w) = phase else { return nil }
            phase = .writing
            return w
        }
        guard let write else { return }
        do {
            let r = try write()
            lock.withLock { _ in phase = .checkpointed(r, description: description) }
        } catch {
            lock.withLock { _ in phase = .marked(write: write) }
            throw error
        }
    }
}

/// An RDD whose checkpoint can be written without knowing its element type.
protocol CheckpointWriting: AnyObject {
    func writeCheckpointIfMarked() throws
}

extension RDD: CheckpointWriting {
    func writeCheckpointIfMarked() throws {
        try checkpointState.writeIfMarked(description: "\(kindName)[\(id)]")
    }
}

/// Writes the marked checkpoints in `node`'s lineage, as Spark's doCheckpoint after a job:
/// the RDDs nearest the job's RDD first; their ancestors' marks then no longer matter.
func writeCheckpoints(after node: any LineageNode) throws {
    var seen: Set<Int> = []
    var stack: [any LineageNode] = [node]
    while let n = stack.popLast() {
        guard seen.insert(n.rddId).inserted else { continue }
        if let w = n as? CheckpointWriting { try w.writeCheckpointIfMarked() }
        for dep in n.lineageDependencies {
            switch dep {
            case .narrow(let p): stack.append(p)
            case .shuffle(let s): stack.append(s.mapSide)
            }
        }
    }
}
