import Foundation
import Network

/// Where a job's executors run:
/// - `local` (one task thread), `local[N]`, `local[*]` (one per core): in this process;
/// - `local-cluster[E,C,M]`: E executor processes on this machine with C cores and M MB each,
///   started by the driver and stopped with it;
/// - `engine://HOST:PORT`: the driver listens there and executors started by any launcher
///   (`JOB --executor --driver engine://HOST:PORT --cores C --memory M`) register with it.
public enum MasterURL: Sendable, Equatable, CustomStringConvertible {
    /// N task threads in this process.
    case local(threads: Int)
    /// Executor processes on this machine, started by the driver.
    case localCluster(executors: Int, coresPerExecutor: Int, memoryMBPerExecutor: Int)
    /// A driver listening at `host`:`port` for executors started elsewhere.
    case cluster(host: String, port: Int)

    /// Parses a master URL; anything else is ``EngineError/badMasterURL(_:)``.
    ///
    /// `E` is 1…256, `C` 1…4096, `M` 1…4194304 (MB), `N` 1…4096; `local[*]` takes the number of
    /// active processors.
    /// - Throws: `EngineError.badMasterURL` with the accepted forms.
    public static func parse(_ text: String) throws(EngineError) -> MasterURL {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s == "local" { return .local(threads: 1) }
        if s.hasPrefix("local-cluster[") && s.hasSuffix("]") {
            let fields = s.dropFirst("local-cluster[".count).dropLast().split(separator: ",", omittingEmptySubsequences: false)
                .map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard fields.count == 3, let e = fields[0], let c = fields[1], let m = fields[2],
                (1...256).contains(e), (1...4096).contains(c), (1...(1 << 22)).contains(m)
            else { throw .badMasterURL(text) }
            return .localCluster(executors: e, coresPerExecutor: c, memoryMBPerExecutor: m)
        }
        if s.hasPrefix("engine://") {
            guard let address = try? NetworkAddress(parsing: s) else { throw .badMasterURL(text) }
            return .cluster(host: address.host, port: address.port)
        }
        guard s.hasPrefix("local["), s.hasSuffix("]") else { throw .badMasterURL(text) }
        let inner = s.dropFirst("local[".count).dropLast()
        if inner == "*" { return .local(threads: max(1, ProcessInfo.processInfo.activeProcessorCount)) }
        guard let n = Int(inner), n >= 1, n <= 4096 else { throw .badMasterURL(text) }
        return .local(threads: n)
    }

    /// Whether executors run in other processes (tasks and blocks travel over the network).
    public var isCluster: Bool {
        if case .local = self { return false }
        return true
    }

    /// The task threads this master offers in this process (1 on a cluster driver, which runs no task).
    public var cores: Int {
        switch self {
        case .local(let n): return n
        case .localCluster, .cluster: return 1
        }
    }

    /// The URL in its canonical form: `local[4]`, `local-cluster[2,1,512]`, `engine://host:7077`
    /// (`local` and `local[*]` print with their thread count).
    public var description: String {
        switch self {
        case .local(let n): return "local[\(n)]"
        case .localCluster(let e, let c, let m): return "local-cluster[\(e),\(c),\(m)]"
        case .cluster(let host, let port): return "engine://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }
    }
}
