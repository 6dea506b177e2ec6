/// Memory and byte sizes as Spark writes them: `512m`, `2g`, `1024k`, `300b`, or a plain byte count.
public enum ByteSize {
    /// Parses a size in bytes; suffixes b, k, m, g, t (case-insensitive, optional trailing `b`: `512mb`).
    /// Throws ``EngineError/badConf(key:value:expected:)`` naming `key` when the text is not a size.
    ///
    /// - Throws: `EngineError.badConf(key:value:expected:)` for text that is not a size, or one
    ///   that overflows 64 bits.
    public static func parse(_ text: String, key: String = "size") throws(EngineError) -> Int64 {
        var s = text.trimmingCharacters(in: .whitespaces).lowercased()
        let expected = "a size such as 512m, 2g or 1048576"
        guard !s.isEmpty else { throw .badConf(key: key, value: text, expected: expected) }
        if s.count > 2, s.hasSuffix("b"), let prev = s.dropLast().last, "kmgt".contains(prev) { s.removeLast() }
        var multiplier: Int64 = 1
        if let last = s.last, last.isLetter {
            switch last {
            case "b": multiplier = 1
            case "k": multiplier = 1 << 10
            case "m": multiplier = 1 << 20
            case "g": multiplier = 1 << 30
            case "t": multiplier = 1 << 40
            default: throw .badConf(key: key, value: text, expected: expected)
            }
            s.removeLast()
        }
        guard let n = Int64(s), n >= 0 else { throw .badConf(key: key, value: text, expected: expected) }
        let (product, overflow) = n.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw .badConf(key: key, value: text, expected: expected) }
        return product
    }

    /// Formats a byte count for people: `1.5 GiB`, `300 B`.
    public static func format(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(bytes)
        var i = 0
        while v >= 1024, i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(bytes) B" : String(format: "%.1f %@", v, units[i])
    }
}

import Foundation
