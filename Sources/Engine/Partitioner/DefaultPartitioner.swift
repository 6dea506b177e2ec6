import Foundation
import Runtime

/// The partitioner of a by-key operation given no partition count or partitioner, as Spark's
/// `Partitioner.defaultPartitioner`:
/// - among the parents that have a partitioner (of at least one partition), the one with the
///   most partitions is used when it is eligible (its partition count is within a factor of 10
///   of the largest parent's) or when it has at least the default count;
/// - otherwise a ``HashPartitioner`` over the default count: `engine.default.parallelism` when
///   it is set, else the largest parent's partition count (not the number of cores).
@usableFromInline
enum DefaultPartitioner {
    /// The partitioner for parents with these partitioners and partition counts; `configured`
    /// is `engine.default.parallelism` when set.
    @usableFromInline
    static func choose(_ parents: [(partitioner: (any Partitioner)?, partitions: Int)], configured: Int?) -> any Partitioner {
        let largest = parents.map(\.partitions).max() ?? 0
        let defaultCount = configured ?? largest
        // The first of the partitioned parents with the most partitions, as Scala's maxBy.
        var best: (partitioner: any Partitioner, partitions: Int)?
        for parent in parents {
            guard let p = parent.partitioner, p.numPartitions > 0 else { continue }
            if best == nil || parent.partitions > best!.partitions { best = (p, parent.partitions) }
        }
        if let best, isEligible(best.partitions, largest: largest) || defaultCount <= best.partitions {
            return best.partitioner
        }
        return HashPartitioner(atLeastOne: defaultCount)
    }

    /// True when `partitions` is within one order of magnitude of `largest`, as Spark's isEligiblePartitioner.
    static func isEligible(_ partitions: Int, largest: Int) -> Bool {
        guard partitions > 0, largest > 0 else { return largest <= partitions }
        return log10(Double(largest)) - log10(Double(partitions)) < 1
    }
}

extension EngineContext {
    /// `engine.default.parallelism` when it is set (then ``defaultParallelism``), else nil.
    @usableFromInline
    var configuredParallelism: Int? {
        conf.get(EngineKeys.defaultParallelism) > 0 ? defaultParallelism : nil
    }
}

extension RDD {
    /// Spark's defaultPartitioner over this RDD and `others`, or a ``HashPartitioner`` of
    /// `numPartitions` when a count is given.
    @inlinable
    func defaultPartitioner(_ numPartitions: Int?, others: [(partitioner: (any Partitioner)?, partitions: Int)]) -> any Partitioner {
        if let n = numPartitions { return HashPartitioner(atLeastOne: n) }
        return DefaultPartitioner.choose([(partitioner, self.numPartitions)] + others, configured: context.configuredParallelism)
    }
}
