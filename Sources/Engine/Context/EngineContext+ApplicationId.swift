import Foundation
import Runtime

extension EngineContext {
    /// The application id of a new context: `local-MILLIS` in local mode,
    /// `app-YYYYMMDDHHMMSS-NNNN` with a cluster master, as Spark's application ids read.
    static func makeApplicationId(_ master: MasterURL) -> String {
        let now = Date()
        if case .local = master { return "local-\(Int64(now.timeIntervalSince1970 * 1000))" }
        let f = DateFormatter()
        f.dateFormat = "yyyyMMddHHmmss"
        f.timeZone = TimeZone(identifier: "UTC")
        return "app-\(f.string(from: now))-\(String(format: "%04d", Int.random(in: 0...9999)))"
    }
}
