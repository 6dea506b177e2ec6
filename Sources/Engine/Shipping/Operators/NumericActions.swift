import Runtime
import Scheduler
import Storage

// The job functions of the numeric actions (see RDDOperator): each task's partial result.

@usableFromInline
enum StatsAction<T: NumericRecord>: RDDOperator {
    @inlinable
    static func make() -> ResultFunction<T, StatCounter> {
        ResultFunction(.codable) { _, s in
            var c = StatCounter()
            try s.forEachRecord { x in c.merge(x.doubleValue) }
            return c
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make() }
}

@usableFromInline
enum FloatingSumAction<T: NumericRecord & BinaryFloatingPoint>: RDDOperator {
    @inlinable
    static func make() -> ResultFunction<T, T> {
        ResultFunction(.codable) { _, s in
            var total: T = 0
            try s.forEachRecord { x in total += x }
            return total
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make() }
}

@usableFromInline
enum IntegerSumAction<T: NumericRecord & FixedWidthInteger>: RDDOperator {
    @inlinable
    static func make() -> ResultFunction<T, ExactSum> {
        ResultFunction(.codable) { _, s in
            var total = ExactSum()
            try s.forEachRecord { x in total.add(x) }
            return total
        }
    }
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject { make() }
}
