import Runtime
import Scheduler
import Storage

extension RDD {
    /// True when the RDD has no records.
    ///
    /// Mirrors Spark's `RDD.isEmpty`: true without a job when there are no partitions, else
    /// `take(1)` is empty (which scans partitions only until one record is found).
    /// - Throws: `EngineError` when a job fails, as ``collect(file:line:)``.
    @inlinable
    public func isEmpty(file: String = #fileID, line: Int = #line) throws(EngineError) -> Bool {
        if numPartitions == 0 { return true }
        return try take(1, file: file, line: line).isEmpty
    }

    /// The largest record under `areInIncreasingOrder` (the first of equal ones); throws on an empty RDD.
    ///
    /// Mirrors Spark's `RDD.max()(ordering)`: a reduce keeping the larger record.
    /// - Throws: `EngineError.invalidArgument` on an empty RDD; otherwise as ``collect(file:line:)``.
    @inlinable
    public func max(by areInIncreasingOrder: @escaping @Sendable (T, T) -> Bool, file: String = #fileID,
                    line: Int = #line) throws(EngineError) -> T {
        try extreme(shipping: .ordering(areInIncreasingOrder), areInIncreasingOrder, largest: true, file: file, line: line)
    }

    /// The smallest record under `areInIncreasingOrder` (the first of equal ones); throws on an empty RDD.
    ///
    /// Mirrors Spark's `RDD.min()(ordering)`.
    /// - Throws: `EngineError.invalidArgument` on an empty RDD; otherwise as ``collect(file:line:)``.
    @inlinable
    public func min(by areInIncreasingOrder: @escaping @Sendable (T, T) -> Bool, file: String = #fileID,
                    line: Int = #line) throws(EngineError) -> T {
        try extreme(shipping: .ordering(areInIncreasingOrder), areInIncreasingOrder, largest: false, file: file, line: line)
    }

    @inlinable
    func extreme(shipping: ShippedFunction, _ less: @escaping @Sendable (T, T) -> Bool, largest: Bool, file: String,
                 line: Int) throws(EngineError) -> T {
        let name = largest ? "max" : "min"
        let parts = try context.runJob(self, callSite: "\(name) at \(makeCallSite(file, line))",
                                       function: context.recordCall(ExtremeAction<T>.self, name, inputs: [self],
                                                                    functions: [shipping], params: largest,
                                                                    file: file, line: line) {
                                           ExtremeAction<T>.make(less, largest: largest) })
        var best: T?
        for p in parts {
            guard let v = p.value else { continue }
            if let b = best {
                best = largest ? (less(b, v) ? v : b) : (less(v, b) ? v : b)
            } else {
                best = v
            }
        }
        guard let result = best else { throw .invalidArgument("\(name)(by:) on an empty RDD") }
        return result
    }

    /// The records, fetched to the driver one partition at a time: a job per partition, run when
    /// the iterator reaches it, so the driver holds only the largest partition in memory.
    ///
    /// Mirrors Spark's `RDD.toLocalIterator`. The iterator's ``LocalIterator/next()`` throws what the
    /// job of its partition throws (see ``collect(file:line:)``).
    public func toLocalIterator(file: String = #fileID, line: Int = #line) -> LocalIterator<T> {
        LocalIterator(self, file: file, line: line)
    }
}

/// The records of an RDD on the driver, one partition (one job) at a time: see
/// ``RDD/toLocalIterator(file:line:)``. Used from one thread.
public final class LocalIterator<T> {
    private let rdd: RDD<T>
    private let file: String
    private let line: Int
    private var partition = 0
    private var buffer: [T] = []
    private var index = 0

    init(_ rdd: RDD<T>, file: String, line: Int) {
        self.rdd = rdd
        self.file = file
        self.line = line
    }

    /// The next record, or nil after the last partition. Runs the job of the next non-empty
    /// partition when the current one is used up.
    /// - Throws: `EngineError` when that job fails, as ``RDD/collect(file:line:)``.
    public func next() throws(EngineError) -> T? {
        while index >= buffer.count {
            guard partition < rdd.numPartitions else { return nil }
            let p = partition
            partition += 1
            let parts = try rdd.context.runJob(
                rdd, partitions: [p], callSite: "toLocalIterator at \(makeCallSite(file, line))",
                function: rdd.context.recordCall(CollectAction<T>.self, "toLocalIterator", inputs: [rdd], file: file,
                                                 line: line) { CollectAction<T>.make() })
            buffer = parts.first?.value ?? []
            index = 0
        }
        defer { index += 1 }
        return buffer[index]
    }

    /// Every remaining record, in order (all partitions' jobs run).
    /// - Throws: as ``next()``.
    public func collectRemaining() throws(EngineError) -> [T] {
        var out: [T] = []
        while let x = try next() { out.append(x) }
        return out
    }
}
