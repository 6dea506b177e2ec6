import Runtime

extension EngineContext {
    /// The integers `0, 1, …, end - 1` over `numSlices` partitions (default parallelism when nil);
    /// empty when `end` ≤ 0. `range(end)` of PySpark's `SparkContext.range`.
    ///
    /// - Throws: `EngineError.invalidArgument` when `numSlices` is below 1.
    public func range(_ end: Int, numSlices: Int? = nil, file: String = #fileID, line: Int = #line)
        throws(EngineError) -> RDD<Int> {
        try range(0, end, step: 1, numSlices: numSlices, file: file, line: line)
    }
}
