/// Where a job's executors run. This release knows local mode only:
/// `local` (one task thread), `local[N]`, `local[*]` (one per core).
public enum MasterURL: Sendable, Equatable, CustomStringConvertible {
    /// N task threads in this process.
    case local(threads: Int)

    /// Parses a master URL; anything else is ``EngineError/badMasterURL(_:)``.
    public static func parse(_ text: String) throws(EngineError) -> MasterURL {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s == "local" { return .local(threads: 1) }
        guard s.hasPrefix("local["), s.hasSuffix("]") else { throw .badMasterURL(text) }
        let inner = s.dropFirst("local[".count).dropLast()
        if inner == "*" { return .local(threads: max(1, ProcessInfo.processInfo.activeProcessorCount)) }
        guard let n = Int(inner), n >= 1, n <= 4096 else { throw .badMasterURL(text) }
        return .local(threads: n)
    }

    /// The number of task threads (cores) this master offers.
    public var cores: Int {
        switch self { case .local(let n): return n }
    }

    public var description: String {
        switch self { case .local(let n): return "local[\(n)]" }
    }
}

import Foundation
