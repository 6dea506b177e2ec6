import Runtime
import Scheduler
import Storage

/// A task binary that cannot be decoded.
enum TaskBinaryError: Error, CustomStringConvertible {
    case mismatch(String)
    case unknown(String)
    var description: String {
        switch self {
        case .mismatch(let s): return "task binary mismatch: \(s)"
        case .unknown(let s): return "unknown task binary: \(s)"
        }
    }
}
