import Runtime
import Scheduler
import Storage

@usableFromInline
enum WholeTextFilesOperator: RDDOperator {
    @usableFromInline
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        i.context.wholeTextFilesRDD(try i.params(WholeFileGroups.self), file: i.file, line: i.line)
    }
}

@usableFromInline
enum BinaryFilesOperator: RDDOperator {
    @usableFromInline
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        i.context.binaryFilesRDD(try i.params(WholeFileGroups.self), file: i.file, line: i.line)
    }
}
