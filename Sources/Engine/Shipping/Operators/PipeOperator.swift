import Runtime
import Scheduler
import Storage

/// The arguments of `pipe`.
public struct PipeParams: Codable, Sendable {
    /// The program and its arguments.
    public var command: [String]
    /// Variables added to the executor's environment for the command.
    public var env: [String: String]
    /// The parameters of one call.
    @inlinable
    public init(command: [String], env: [String: String]) {
        self.command = command
        self.env = env
    }
}

@usableFromInline
enum PipeOperator<T>: RDDOperator {
    @inlinable
    static func replay(_ i: ReplayInput) throws -> AnyObject {
        try i.input(0, as: RDD<T>.self).pipeRDD(i.params(PipeParams.self), file: i.file, line: i.line)
    }
}
