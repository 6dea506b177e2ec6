import Runtime
import Scheduler
import Storage

// Shuffles and checkpoints of records of any serializable shape: tuples (`(K, (V, W))` from a
// join, `((K, V), Int)` from zipWithIndex), optionals and arrays (`[(K, V)]` from glom) of
// Codable parts, with the codec ``ShapeCodecs`` builds for the record type. The overloads for
// `Codable` records and for pairs of `Codable` keys and values are preferred where they apply.
extension RDD {
    /// Exactly `numPartitions` partitions, through a shuffle, for records of any serializable shape.
    ///
    /// Mirrors Spark's `RDD.repartition`. Records that cannot be serialized (a part that is not
    /// Codable) are reported by the first action as `EngineError.invalidArgument`.
    @_disfavoredOverload
    @inlinable
    public func repartition(_ numPartitions: Int, file: String = #fileID, line: Int = #line) -> RDD<T> {
        let mark = context.idMark
        return context.recorded(ShapedRepartitionOperator<T>.self, "repartition", mark: mark, inputs: [self],
                                params: numPartitions, file: file, line: line,
                                shapedRepartitionRDD(numPartitions, file: file, line: line))
    }

    /// `numPartitions` partitions: merged neighbours without a shuffle, or balanced with `shuffle: true`,
    /// for records of any serializable shape.
    ///
    /// Mirrors Spark's `RDD.coalesce(numPartitions, shuffle)`.
    @_disfavoredOverload
    @inlinable
    public func coalesce(_ numPartitions: Int, shuffle: Bool, file: String = #fileID, line: Int = #line) -> RDD<T> {
        shuffle ? repartition(numPartitions, file: file, line: line) : coalesce(numPartitions, file: file, line: line)
    }

    @inlinable
    func shapedRepartitionRDD(_ numPartitions: Int, file: String, line: Int) -> RDD<T> {
        let site = makeCallSite(file, line)
        let (codec, refused) = shapedElementCodec(T.self, "repartition at \(site)")
        return refusing(refused, operation: "repartition", callSite: site).roundRobin(numPartitions, codec: codec, callSite: site)
    }

    /// This RDD, or when `reason` is given an RDD on it whose first action fails with that reason
    /// (`EngineError.invalidArgument`) before any task runs.
    @inlinable
    func refusing(_ reason: String?, operation: String, callSite site: String) -> RDD<T> {
        guard let reason else { return self }
        return derive(operation, callSite: site, preservesPartitioning: true, argumentError: reason) { _, _, input in input }
    }

    /// Marks this RDD for checkpointing (see ``checkpoint()-139dx``), for records of any
    /// serializable shape: tuples, optionals and arrays of Codable parts.
    ///
    /// Mirrors Spark's `RDD.checkpoint`.
    /// - Throws: `EngineError.invalidArgument` when no checkpoint directory was set, or when a
    ///   part of the records is not Codable.
    @_disfavoredOverload
    public func checkpoint() throws(EngineError) {
        if let refused = shapedElementCodec(T.self, "checkpoint of \(debugName)").refused { throw .invalidArgument(refused) }
        try markReliableCheckpoint()
    }

    /// Marks this RDD for a local checkpoint (see ``localCheckpoint()-5jy81``), for records of
    /// any serializable shape.
    ///
    /// Mirrors Spark's `RDD.localCheckpoint`.
    @_disfavoredOverload
    public func localCheckpoint() {
        markLocalCheckpoint()
    }
}
