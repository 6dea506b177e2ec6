import Runtime
import Scheduler
import Storage

extension RDD where T: Hashable & Codable & SendableMetatype {
    /// The approximate number of distinct records, from a HyperLogLog++ sketch (see ``HyperLogLogPlus``).
    ///
    /// Mirrors Spark's `RDD.countApproxDistinct(relativeSD)`: the precision is
    /// ⌈2 log₂(1.054 / relativeSD)⌉ (at least 4); each task sketches its partition, the driver
    /// merges the sketches. Records are hashed from their `Codable` encoding (a `String` from its
    /// UTF-8 bytes), the same in every process.
    /// - Throws: `EngineError.invalidArgument` when `relativeSD` is not above 0.000017 (Spark's
    ///   limit) or is below 0.00206 (more than 2¹⁸ registers, which this engine does not keep);
    ///   otherwise as ``collect(file:line:)``.
    @inlinable
    public func countApproxDistinct(relativeSD: Double = 0.05, file: String = #fileID,
                                    line: Int = #line) throws(EngineError) -> Int {
        guard relativeSD > 0.000017 else {
            throw .invalidArgument("countApproxDistinct: relativeSD (\(relativeSD)) must be greater than 0.000017")
        }
        let p = HyperLogLogPlus.precision(relativeSD: relativeSD)
        guard p <= 18 else {
            throw .invalidArgument("countApproxDistinct: relativeSD \(relativeSD) needs 2^\(p) registers, more than the 2^18 "
                                   + "this engine keeps; ask for a relativeSD of at least 0.00206")
        }
        let parts = try context.runJob(self, callSite: "countApproxDistinct at \(makeCallSite(file, line))",
                                       function: context.recordCall(ApproxDistinctAction<T>.self, "countApproxDistinct",
                                                                    inputs: [self], params: p, file: file, line: line) {
                                           ApproxDistinctAction<T>.make(p) })
        var sketch = HyperLogLogPlus(p: p)
        for s in parts { sketch.merge(s) }
        return sketch.cardinality
    }
}
