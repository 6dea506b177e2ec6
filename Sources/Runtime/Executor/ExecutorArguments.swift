import Foundation
import Network

/// The command line of an executor process, the job's own binary in executor mode:
///
///     JOB --executor --driver engine://HOST:PORT --cores C --memory M
///         [--executor-id ID] [--host ADDRESS] [--local-dir DIR] [--parent-pid PID]
///
/// `--memory` takes megabytes (`512`) or a size (`512m`, `2g`); `--host` is the address other
/// processes reach this executor at (default: 127.0.0.1 when the driver is on this machine's
/// loopback, else this machine's host name); `--local-dir` overrides `engine.local.dir` for this
/// executor; `--parent-pid` (local-cluster) makes the executor die with that process.
package struct ExecutorArguments: Equatable {
    var driver: NetworkAddress
    var cores: Int
    var memory: Int64
    var executorId: String
    var host: String
    var parentPid: Int32?
    var localDir: String?

    static let usage = "usage: JOB --executor --driver engine://HOST:PORT --cores C --memory M "
        + "[--executor-id ID] [--host ADDRESS]"

    /// True when the process was started in executor mode.
    package static func requested(_ args: [String]) -> Bool { args.first == "--executor" }

    /// Parses the arguments after the program name (the first is `--executor`).
    init(_ args: [String]) throws(EngineError) {
        var driver: NetworkAddress?
        var cores: Int?
        var memory: Int64?
        var id: String?
        var host: String?
        var parent: Int32?
        var localDir: String?
        var i = 1
        func value(_ name: String) throws(EngineError) -> String {
            guard i + 1 < args.count, !args[i + 1].hasPrefix("--") else {
                throw .invalidArgument("\(name) needs a value; \(Self.usage)")
            }
            i += 2
            return args[i - 1]
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "--driver":
                let text = try value(a)
                do {
                    driver = try NetworkAddress(parsing: text)
                } catch {
                    throw .invalidArgument("--driver \(text): \(error); \(Self.usage)")
                }
            case "--cores":
                let text = try value(a)
                guard let n = Int(text), (1...4096).contains(n) else {
                    throw .invalidArgument("--cores \(text): expected a whole number from 1 to 4096")
                }
                cores = n
            case "--memory":
                let text = try value(a)
                if let mb = Int64(text), mb > 0 {
                    memory = mb << 20
                } else {
                    do {
                        memory = try ByteSize.parse(text, key: "--memory")
                    } catch {
                        throw .invalidArgument("--memory \(text): expected megabytes (512) or a size (512m, 2g)")
                    }
                }
            case "--executor-id":
                let text = try value(a)
                guard !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    throw .invalidArgument("--executor-id \(text): use letters, digits, '-', '_' and '.'")
                }
                id = text
            case "--host":
                host = try value(a)
            case "--local-dir":
                localDir = try value(a)
            case "--parent-pid":
                let text = try value(a)
                guard let p = Int32(text), p > 1 else { throw .invalidArgument("--parent-pid \(text): expected a process id") }
                parent = p
            default:
                throw .invalidArgument("unknown executor option \(a); \(Self.usage)")
            }
        }
        guard let driver else { throw .invalidArgument("--driver engine://HOST:PORT is required; \(Self.usage)") }
        guard let cores else { throw .invalidArgument("--cores is required; \(Self.usage)") }
        guard let memory else { throw .invalidArgument("--memory is required; \(Self.usage)") }
        self.driver = driver
        self.cores = cores
        self.memory = memory
        self.parentPid = parent
        self.localDir = localDir
        let loopback = driver.host == "127.0.0.1" || driver.host == "localhost" || driver.host == "::1"
        self.host = host ?? (loopback ? "127.0.0.1" : ProcessInfo.processInfo.hostName)
        self.executorId = id ?? "\(self.host)-\(getpid())"
    }
}
