import Runtime
import Scheduler
import Storage

/// The path and split count of a text file source.
public struct TextFileParams: Codable, Sendable {
    /// The file or directory read.
    public var path: String
    /// The `minPartitions` asked for, if any.
    public var minPartitions: Int?
    /// The parameters of one call.
    public init(path: String, minPartitions: Int?) {
        self.path = path
        self.minPartitions = minPartitions
    }
}
