import Foundation
import Broadcast
import Network
import Scheduler
import Storage
import Testing
@testable import Runtime

/// Cluster master URLs, executor command lines, durations, and the reducer's remote fetching.
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

    /// A fake block transfer: answers from memory after a delay and records how many bytes
    /// were requested and not yet answered at most.
    final class FakeTransfer: BlockTransferClient, @unchecked Sendable {
        let lock = NSLock()
        var requested: [Int] = []
        var inFlight = 0
        var maxInFlight = 0
        let failing: Set<Int>

        init(failing: Set<Int> = []) { self.failing = failing }

        func fetch(_ block: BlockId, from location: BlockManagerId, offset: Int64, length: Int,
                   completion: @escaping @Sendable (Result<[UInt8], any Error>) -> Void) {
            guard case .shuffle(_, let mapId, _) = block else { fatalError("not a shuffle block") }
            lock.lock()
            requested.append(mapId)
            inFlight += length
            maxInFlight = max(maxInFlight, inFlight)
            lock.unlock()
            let fail = failing.contains(mapId)
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int.random(in: 0...5))) { [self] in
                lock.lock()
                inFlight -= length
                lock.unlock()
                completion(fail ? .failure(BlockFetchError(block: block, holder: "\(location)", reason: "gone"))
                                : .success([UInt8](repeating: UInt8(mapId & 0xff), count: length)))
            }
        }
    }

    @Test("remote segments come back in map order with at most maxBytesInFlight requested",
          arguments: [1, 100, 1000, 1 << 20])
    func remoteFetchOrderAndLimit(_ limit: Int) throws {
        let remote = BlockManagerId(executorId: "exec-9", host: "h", port: 1)
        let other = BlockManagerId(executorId: "exec-8", host: "h", port: 2)
        let segments = (0..<60).map { i in
            ShuffleSegmentRef(location: i % 3 == 0 ? other : remote, mapIndex: i, mapId: Int64(i), size: Int64(10 + (i * 37) % 300))
        }
        let fake = FakeTransfer()
        let fetcher = RemoteSegmentFetcher(shuffleId: 1, reduceId: 0, segments: segments.shuffled(), client: fake,
                                           maxBytesInFlight: Int64(limit))
        let context = TestSupport.taskContext()
        for seg in segments {
            let bytes = try fetcher.take(seg, context).get()
            #expect(bytes.count == Int(seg.size) && bytes.allSatisfy { $0 == UInt8(seg.mapIndex) })
        }
        #expect(fake.requested == segments.map(\.mapIndex), "requested out of map order")
        let largest = segments.map { Int($0.size) }.max()!
        #expect(fake.maxInFlight <= max(limit, largest), "\(fake.maxInFlight) bytes in flight, limit \(limit)")
    }

    @Test func remoteFetchFailureIsReportedForItsSegment() throws {
        let remote = BlockManagerId(executorId: "exec-9", host: "h", port: 1)
        let segments = (0..<5).map { ShuffleSegmentRef(location: remote, mapIndex: $0, mapId: Int64($0), size: 10) }
        let fetcher = RemoteSegmentFetcher(shuffleId: 1, reduceId: 0, segments: segments, client: FakeTransfer(failing: [3]),
                                           maxBytesInFlight: 1 << 20)
        let context = TestSupport.taskContext()
        for seg in segments {
            let r = try fetcher.take(seg, context)
            if seg.mapIndex == 3 {
                guard case .failure(let e) = r else { Issue.record("segment 3 should fail"); continue }
                #expect("\(e)".contains("gone"))
            } else {
                #expect((try? r.get())?.count == 10)
            }
        }
    }
}

/// Helpers for tests that need a task's context outside a job.
enum TestSupport {
    /// A task context over a fresh in-process environment (its directory is under $TMPDIR).
    static func taskContext() -> TaskContext {
        let dir = NSTemporaryDirectory() + "/engine-test-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let memory = UnifiedMemoryManager(maxMemory: 64 << 20, storageRegionSize: 32 << 20)
        let blockManager = try! BlockManager(executorId: "exec-1", localDirs: [dir], memoryManager: memory)
        let env = TaskEnvironment(executorId: "exec-1", blockManager: blockManager,
                                  broadcastManager: BroadcastManager(blockManager: blockManager),
                                  mapOutputTracker: MapOutputTrackerMaster(), shuffleCompress: true)
        return TaskContext(stageId: 0, stageAttemptNumber: 0, partitionId: 0, attemptNumber: 0, taskAttemptId: 1, env: env)
    }
}
