import Runtime
import Scheduler
import Storage

@usableFromInline
enum TextFileBytesOperator: RDDOperator {
    @usableFromInline
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(TextFileParams.self)
        return try i.context.textFileBytes(p.path, minPartitions: p.minPartitions, file: i.file, line: i.line)
    }
}
