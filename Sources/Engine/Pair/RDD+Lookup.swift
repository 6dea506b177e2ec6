import Runtime
import Scheduler
import Storage

extension RDD {
    /// Every value of `key`, on the driver.
    ///
    /// Mirrors Spark's `PairRDDFunctions.lookup`: when the RDD has a partitioner, one task reads
    /// the one partition that can hold the key; otherwise every partition is searched.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``; `.invalidArgument`
    ///   when the RDD's partitioner cannot place keys of type `K`.
    @inlinable
    public func lookup<K: Hashable & Codable & SendableMetatype, V>(_ key: K, file: String = #fileID,
                                                                   line: Int = #line) throws(EngineError) -> [V]
    where T == (K, V) {
        var partitions: [Int]?
        if let p = partitioner { partitions = [try partitionFunction(p, keyType: K.self)(key)] }
        let parts = try context.runJob(self, partitions: partitions, callSite: "lookup at \(makeCallSite(file, line))",
                                       function: context.recordCall(LookupAction<K, V>.self, "lookup", inputs: [self],
                                                                    params: key, file: file, line: line) {
                                           LookupAction<K, V>.make(key) })
        return parts.flatMap { $0.value }
    }

    /// Merges each key's values with `f` (associative and commutative) into a dictionary on the driver.
    ///
    /// Mirrors Spark's `PairRDDFunctions.reduceByKeyLocally`: each task reduces its partition into
    /// a dictionary, the driver merges the dictionaries; no shuffle. An RDD with no partitions
    /// gives an empty dictionary (Spark's fails on its empty reduce).
    /// - Throws: `EngineError.jobFailed` when `f` throws on the driver; otherwise as ``collect(file:line:)``.
    @inlinable
    public func reduceByKeyLocally<K: Hashable & SendableMetatype, V>(
        _ f: @escaping @Sendable (V, V) throws -> V, file: String = #fileID, line: Int = #line
    ) throws(EngineError) -> [K: V] where T == (K, V) {
        try reduceByKeyLocally(shipping: .of(f), f, file: file, line: line)
    }

    /// `reduceByKeyLocally` with `shipping` the function as it travels (a closure, or a named Codable type) and `f` the one applied.
    @inlinable
    func reduceByKeyLocally<K: Hashable & SendableMetatype, V>(
        shipping: ShippedFunction, _ f: @escaping @Sendable (V, V) throws -> V, file: String, line: Int
    ) throws(EngineError) -> [K: V] where T == (K, V) {
        let parts = try context.runJob(self, callSite: "reduceByKeyLocally at \(makeCallSite(file, line))",
                                       function: context.recordCall(ReduceByKeyLocallyAction<K, V>.self, "reduceByKeyLocally",
                                                                    inputs: [self], functions: [shipping], file: file, line: line) {
                                           ReduceByKeyLocallyAction<K, V>.make(f) })
        var merged: [K: V] = [:]
        do {
            for p in parts {
                for (k, v) in p.value {
                    if let old = merged[k] { merged[k] = try f(old, v) } else { merged[k] = v }
                }
            }
        } catch {
            throw .jobFailed("Job aborted: the reduce function failed on the driver: \(error)")
        }
        return merged
    }
}
