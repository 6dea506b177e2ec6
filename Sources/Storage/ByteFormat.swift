import Foundation

/// Human-readable byte counts for messages: `8.0 MiB`, `512 B`.
enum ByteFormat {
    static func format(_ bytes: Int64) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        if abs(bytes) < 1024 { return "\(bytes) B" }
        var v = Double(bytes) / 1024
        var i = 0
        while abs(v) >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        return String(format: "%.1f ", v) + units[i]
    }
}
