import Foundation
import Broadcast
import Network
import Scheduler
import Storage
import Testing
@testable import Runtime

/// Cluster master URLs, executor command lines and durations.
@Suite struct ClusterSettingsTests {
    @Test func clusterMasterURLs() throws {
        #expect(try MasterURL.parse("local-cluster[3,1,512]") == .localCluster(executors: 3, coresPerExecutor: 1,
                                                                               memoryMBPerExecutor: 512))
        #expect(try MasterURL.parse(" local-cluster[2, 4, 1024] ").description == "local-cluster[2,4,1024]")
        #expect(try MasterURL.parse("engine://10.1.2.3:7077") == .cluster(host: "10.1.2.3", port: 7077))
        #expect(try MasterURL.parse("engine://[::1]:7077").description == "engine://[::1]:7077")
        #expect(try MasterURL.parse("local-cluster[2,1,512]").isCluster)
        #expect(try !MasterURL.parse("local[2]").isCluster)
    }

    @Test("malformed cluster master URLs", arguments: [
        "local-cluster[0,1,512]", "local-cluster[2,1]", "local-cluster[2,1,512,4]", "local-cluster[a,1,512]",
        "local-cluster[2,0,512]", "local-cluster[2,1,0]", "local-cluster[2,1,512", "engine://", "engine://host",
        "engine://host:0", "engine://host:70000", "engine://:7077", "spark://host:7077",
    ])
    func badClusterMaster(_ url: String) {
        #expect(throws: EngineError.self) { try MasterURL.parse(url) }
        if case .badMasterURL(let u)? = (try? MasterURL.parse(url)).map({ _ in EngineError.contextStopped }) ?? .badMasterURL(url) {
            #expect(EngineError.badMasterURL(u).description.contains("local-cluster[E,C,M]"))
        }
    }

    @Test func executorArguments() throws {
        let a = try ExecutorArguments(["--executor", "--driver", "engine://10.0.0.1:7077", "--cores", "3", "--memory", "512",
                                       "--executor-id", "exec-7", "--host", "10.0.0.9", "--parent-pid", "4242"])
        #expect(a.driver == NetworkAddress(host: "10.0.0.1", port: 7077))
        #expect(a.cores == 3 && a.memory == 512 << 20 && a.executorId == "exec-7" && a.host == "10.0.0.9" && a.parentPid == 4242)
        let b = try ExecutorArguments(["--executor", "--driver", "127.0.0.1:7077", "--cores", "1", "--memory", "2g"])
        #expect(b.memory == 2 << 30 && b.host == "127.0.0.1" && b.parentPid == nil && !b.executorId.isEmpty)
        #expect(ExecutorArguments.requested(["--executor"]) && !ExecutorArguments.requested(["in.txt", "--executor"]))
        for bad in [["--executor"], ["--executor", "--driver"], ["--executor", "--driver", "x:1", "--cores", "1"],
                    ["--executor", "--driver", "x:1", "--cores", "-1", "--memory", "1"],
                    ["--executor", "--driver", "x:1", "--cores", "1", "--memory", "lots"],
                    ["--executor", "--driver", "x:1", "--cores", "1", "--memory", "1", "--executor-id", "a/b"],
                    ["--executor", "--driver", "x", "--cores", "1", "--memory", "1"]] {
            #expect(throws: EngineError.self, "\(bad)") { try ExecutorArguments(bad) }
        }
    }

    @Test func durations() throws {
        let key = ConfigKey<Double>.seconds("t", default: 1, doc: "")
        #expect(try key.parse("120s") == 120)
        #expect(try key.parse("500ms") == 0.5)
        #expect(try key.parse("2min") == 120)
        #expect(try key.parse(" 3 ") == 3)
        for bad in ["", "0", "-1s", "fast", "1d", "nan"] { #expect(throws: EngineError.self, "\(bad)") { try key.parse(bad) } }
    }
}
