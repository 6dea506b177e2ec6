import Runtime
import Scheduler
import Storage

extension RDD where T: NumericRecord {
    /// A histogram of `bucketCount` buckets evenly spaced between the records' minimum and maximum.
    ///
    /// Mirrors Spark's `DoubleRDDFunctions.histogram(bucketCount)`: one job finds the minimum and
    /// maximum, a second counts. With min 0, max 100 and two buckets the buckets are [0, 50) and
    /// [50, 100]. When every record is the same value there is one bucket `[v, v]` holding them all,
    /// whatever `bucketCount` is.
    /// - Throws: `EngineError.invalidArgument` when `bucketCount` is below 1, or the RDD is empty or
    ///   holds ±∞ or NaN (Spark's UnsupportedOperationException); otherwise as ``collect(file:line:)``.
    @inlinable
    public func histogram(_ bucketCount: Int, file: String = #fileID,
                          line: Int = #line) throws(EngineError) -> (buckets: [Double], counts: [Int]) {
        guard bucketCount >= 1 else {
            throw .invalidArgument("histogram: bucketCount must be at least 1, got \(bucketCount)")
        }
        let s = try stats(file: file, line: line)
        let (lo, hi) = (s.min, s.max)
        guard lo.isFinite, hi.isFinite else {
            throw .invalidArgument("histogram: the RDD is empty or holds ±infinity or NaN, which have no buckets; "
                                   + "filter them out or give the buckets with histogram(buckets:)")
        }
        var boundaries: [Double]
        if lo != hi {
            let span = hi - lo
            boundaries = (0..<bucketCount).map { lo + (Double($0) * span) / Double(bucketCount) }
            boundaries.append(hi)
        } else {
            boundaries = [lo, lo]
        }
        let counts = try histogramCounts(HistogramBuckets(boundaries: boundaries, evenlySpaced: true), file: file, line: line)
        return (boundaries, counts)
    }

    /// The number of records in each bucket: `[b0, b1)`, `[b1, b2)`, …, the last one closed `[bn-1, bn]`.
    ///
    /// Mirrors Spark's `DoubleRDDFunctions.histogram(buckets, evenBuckets)`: for `[1, 10, 20, 50]`
    /// the buckets are [1, 10), [10, 20) and [20, 50], so 1 and 50 give `[1, 0, 1]`. Records
    /// outside the buckets, and NaN, are not counted, unless the last boundary is NaN: then NaN
    /// and every record at or above the boundary before it fall in the last bucket (boundaries are
    /// ordered as Java orders doubles, −0 before +0 and NaN last). With `evenBuckets` (evenly spaced
    /// boundaries) a record's bucket is computed instead of searched.
    /// - Throws: `EngineError.invalidArgument` when there are fewer than two boundaries or they are not
    ///   strictly ascending; otherwise as ``collect(file:line:)``.
    @inlinable
    public func histogram(buckets: [Double], evenBuckets: Bool = false, file: String = #fileID,
                          line: Int = #line) throws(EngineError) -> [Int] {
        if let problem = HistogramBuckets.problem(buckets) { throw .invalidArgument(problem) }
        return try histogramCounts(HistogramBuckets(boundaries: buckets, evenlySpaced: evenBuckets), file: file, line: line)
    }

    @inlinable
    func histogramCounts(_ buckets: HistogramBuckets, file: String, line: Int) throws(EngineError) -> [Int] {
        let parts = try context.runJob(self, callSite: "histogram at \(makeCallSite(file, line))",
                                       function: context.recordCall(HistogramAction<T>.self, "histogram", inputs: [self],
                                                                    params: buckets, file: file, line: line) {
                                           HistogramAction<T>.make(buckets) })
        var counts = [Int](repeating: 0, count: buckets.boundaries.count - 1)
        for p in parts {
            for (i, c) in p.enumerated() where i < counts.count { counts[i] += c }
        }
        return counts
    }
}
