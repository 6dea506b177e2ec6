import Runtime
import Scheduler
import Storage

@usableFromInline
enum TextFileOperator: RDDOperator {
    @usableFromInline
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(TextFileParams.self)
        return try i.context.textFile(p.path, minPartitions: p.minPartitions, file: i.file, line: i.line)
    }
}
