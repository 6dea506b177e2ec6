import Runtime
import Scheduler
import Storage

extension RDD where T: NumericRecord {
    /// The count, mean, variance, minimum and maximum of the records, in one job.
    ///
    /// Mirrors Spark's `DoubleRDDFunctions.stats`: each task builds a ``StatCounter`` of its
    /// partition, the driver merges them.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func stats(file: String = #fileID, line: Int = #line) throws(EngineError) -> StatCounter {
        let parts = try context.runJob(self, callSite: "stats at \(makeCallSite(file, line))",
                                       function: context.recordCall(StatsAction<T>.self, "stats", inputs: [self],
                                                                    file: file, line: line) { StatsAction<T>.make() })
        var total = StatCounter()
        for p in parts { total.merge(p) }
        return total
    }

    /// The mean of the records (0 for an empty RDD, as Spark's StatCounter).
    ///
    /// Mirrors Spark's `DoubleRDDFunctions.mean`: `stats().mean`.
    /// - Throws: as ``stats(file:line:)``.
    @inlinable
    public func mean(file: String = #fileID, line: Int = #line) throws(EngineError) -> Double {
        try stats(file: file, line: line).mean
    }

    /// The population variance of the records (NaN when there are none).
    ///
    /// Mirrors Spark's `DoubleRDDFunctions.variance`.
    /// - Throws: as ``stats(file:line:)``.
    @inlinable
    public func variance(file: String = #fileID, line: Int = #line) throws(EngineError) -> Double {
        try stats(file: file, line: line).variance
    }

    /// The sample variance of the records, dividing by count − 1 (NaN for fewer than two).
    ///
    /// Mirrors Spark's `DoubleRDDFunctions.sampleVariance`.
    /// - Throws: as ``stats(file:line:)``.
    @inlinable
    public func sampleVariance(file: String = #fileID, line: Int = #line) throws(EngineError) -> Double {
        try stats(file: file, line: line).sampleVariance
    }

    /// The population standard deviation of the records (NaN when there are none).
    ///
    /// Mirrors Spark's `DoubleRDDFunctions.stdev`.
    /// - Throws: as ``stats(file:line:)``.
    @inlinable
    public func stdev(file: String = #fileID, line: Int = #line) throws(EngineError) -> Double {
        try stats(file: file, line: line).stdev
    }

    /// The sample standard deviation of the records (NaN for fewer than two).
    ///
    /// Mirrors Spark's `DoubleRDDFunctions.sampleStdev`.
    /// - Throws: as ``stats(file:line:)``.
    @inlinable
    public func sampleStdev(file: String = #fileID, line: Int = #line) throws(EngineError) -> Double {
        try stats(file: file, line: line).sampleStdev
    }
}

extension RDD where T: NumericRecord & BinaryFloatingPoint {
    /// The sum of the records (0 for an empty RDD).
    ///
    /// Mirrors Spark's `DoubleRDDFunctions.sum`: each task sums its partition, the driver sums the partial sums.
    /// - Throws: `EngineError` when the job fails, as ``collect(file:line:)``.
    @inlinable
    public func sum(file: String = #fileID, line: Int = #line) throws(EngineError) -> T {
        let parts = try context.runJob(self, callSite: "sum at \(makeCallSite(file, line))",
                                       function: context.recordCall(FloatingSumAction<T>.self, "sum", inputs: [self],
                                                                    file: file, line: line) { FloatingSumAction<T>.make() })
        var total: T = 0
        for p in parts { total += p }
        return total
    }
}

extension RDD where T: NumericRecord & FixedWidthInteger {
    /// The sum of the records, as an integer of the records' type (0 for an empty RDD).
    ///
    /// Spark's `DoubleRDDFunctions.sum` gives a `Double`; here the sum of integers stays an
    /// integer and is exact: partial sums are kept in 128 bits.
    /// - Throws: `EngineError.invalidArgument` when the sum does not fit in `T` (map the records
    ///   to a wider type or to `Double` first); otherwise as ``collect(file:line:)``.
    @inlinable
    public func sum(file: String = #fileID, line: Int = #line) throws(EngineError) -> T {
        let parts = try context.runJob(self, callSite: "sum at \(makeCallSite(file, line))",
                                       function: context.recordCall(IntegerSumAction<T>.self, "sum", inputs: [self],
                                                                    file: file, line: line) { IntegerSumAction<T>.make() })
        var total = ExactSum()
        for p in parts { total.add(p) }
        guard let sum = total.exactly(T.self) else {
            throw .invalidArgument("sum: the sum \(total) does not fit in \(T.self); map the records to a wider type or to Double first")
        }
        return sum
    }
}
