import Runtime
import Scheduler
import Synchronization

/// Where a checkpoint lives: files under a directory every executor reaches (Spark's
/// ReliableRDDCheckpointData), or the cached blocks of the executors (LocalRDDCheckpointData).
@usableFromInline
enum CheckpointKind: Sendable, Equatable {
    /// Files `dir/part-NNNNN`, one per partition (see ``CheckpointFiles``).
    case reliable(dir: String)
    /// The RDD's persisted blocks; a lost block cannot be recomputed.
    case local
}

/// An RDD's checkpoint life, as Spark's RDDCheckpointData: marked by `checkpoint()` or
/// `localCheckpoint()`, written by a job after the first action that computes the RDD, then
/// read from where it was written; from then on the RDD has no dependencies (its lineage is cut).
@usableFromInline
final class CheckpointState: @unchecked Sendable {
    // Unchecked: `phase` is only touched under `lock`.
    enum Phase {
        case none
        /// Marked; `write` runs the writing job.
        case marked(CheckpointKind, write: () throws -> Void)
        case writing(CheckpointKind)
        case written(CheckpointKind)
    }

    private let lock = Mutex(())
    private var phase = Phase.none

    @usableFromInline init() {}

    /// Where the partitions are read from, once written.
    @usableFromInline var written: CheckpointKind? {
        lock.withLock { _ in
            if case .written(let k) = phase { return k }
            return nil
        }
    }

    /// The kind asked for, once marked (written or not).
    var requested: CheckpointKind? {
        lock.withLock { _ in
            switch phase {
            case .none: return nil
            case .marked(let k, _), .writing(let k), .written(let k): return k
            }
        }
    }

    var isCheckpointed: Bool { written != nil }

    /// Marks the RDD; a second mark or a mark after writing changes nothing (returns false).
    @discardableResult
    func mark(_ kind: CheckpointKind, _ write: @escaping () throws -> Void) -> Bool {
        lock.withLock { _ in
            guard case .none = phase else { return false }
            phase = .marked(kind, write: write)
            return true
        }
    }

    /// Marks the RDD for `kind`, replacing a mark not yet written (Spark's localCheckpoint
    /// overriding checkpoint); false, changing nothing, once a checkpoint is being written or was.
    @discardableResult
    func markReplacing(_ kind: CheckpointKind, _ write: @escaping () throws -> Void) -> Bool {
        lock.withLock { _ in
            switch phase {
            case .none, .marked:
                phase = .marked(kind, write: write)
                return true
            case .writing, .written:
                return false
            }
        }
    }

    /// On an executor: the driver wrote this RDD's checkpoint; read it from `kind`.
    func restore(_ kind: CheckpointKind) {
        lock.withLock { _ in phase = .written(kind) }
    }

    /// Writes the checkpoint if marked and not yet written (once, even when jobs race).
    func writeIfMarked() throws {
        let marked: (CheckpointKind, () throws -> Void)? = lock.withLock { _ in
            guard case .marked(let k, let w) = phase else { return nil }
            phase = .writing(k)
            return (k, w)
        }
        guard let (kind, write) = marked else { return }
        do {
            try write()
            lock.withLock { _ in phase = .written(kind) }
        } catch {
            lock.withLock { _ in phase = .marked(kind, write: write) }
            throw error
        }
    }
}

/// An RDD whose checkpoint can be written without knowing its element type.
protocol CheckpointWriting: AnyObject {
    func writeCheckpointIfMarked() throws
    /// Where the written checkpoint lives (nil until written).
    var writtenCheckpoint: CheckpointKind? { get }
    /// On an executor: read the partitions from `kind` (the driver wrote them).
    func restoreCheckpoint(_ kind: CheckpointKind)
}

extension RDD: CheckpointWriting {
    func writeCheckpointIfMarked() throws { try checkpointState.writeIfMarked() }
    var writtenCheckpoint: CheckpointKind? { checkpointState.written }
    func restoreCheckpoint(_ kind: CheckpointKind) { checkpointState.restore(kind) }
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
