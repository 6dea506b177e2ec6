import Runtime
import Scheduler
import Storage

@usableFromInline
enum RangeOperator: RDDOperator {
    @usableFromInline
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(RangeParams.self)
        return try i.context.range(p.start, p.end, step: p.step, numSlices: p.numSlices, file: i.file, line: i.line)
    }
}
