import Runtime
import Scheduler
import Storage

@usableFromInline
enum EmptyRDDOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        i.context.emptyRDDRecords(of: T.self, file: i.file, line: i.line)
    }
}
