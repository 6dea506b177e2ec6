import Runtime
import Scheduler
import Storage

@usableFromInline
enum SampleOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        let p = try i.params(SampleParams.self)
        return try i.input(0, as: RDD<T>.self).sampleRDD(withReplacement: p.withReplacement, fraction: p.fraction,
                                                         seed: p.seed, file: i.file, line: i.line)
    }
}
