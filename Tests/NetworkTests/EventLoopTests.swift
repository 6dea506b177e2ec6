import Foundation
import Synchronization
import Testing

@testable import Network

extension NetworkSuite {
    @Suite struct EventLoopTests {
        @Test func runsWorkOnItsThreadInOrderPerSender() throws {
            let loop = try EventLoop(name: "test-loop")
            #expect(!loop.isOnLoopThread)
            let seen = Mutex<[Int: [Int]]>([:])
            let offThread = Atomic<Int>(0)
            let senders = (0..<4).map { sender in
                TestThread {
                    for i in 0..<500 {
                        loop.execute {
                            if !loop.isOnLoopThread { offThread.add(1, ordering: .relaxed) }
                            seen.withLock { $0[sender, default: []].append(i) }
                        }
                    }
                    return true
                }
            }
            for s in senders { #expect(s.join() == true) }
            #expect(eventually { seen.withLock { $0.values.map(\.count).reduce(0, +) } == 2000 })
            #expect(seen.withLock { $0.values.allSatisfy { $0 == Array(0..<500) } })
            #expect(offThread.load(ordering: .relaxed) == 0)
            loop.shutdown()
            loop.shutdown()
            let ranAfterShutdown = Atomic<Bool>(false)
            loop.execute { ranAfterShutdown.store(true, ordering: .relaxed) }
            usleep(20_000)
            let ran = ranAfterShutdown.load(ordering: .relaxed)
            #expect(!ran)
        }

        @Test func shutdownFromTheLoopThreadItself() throws {
            let loop = try EventLoop(name: "test-loop")
            let before = threadCount()
            loop.execute { loop.shutdown() }
            // Another thread's shutdown waits until the loop thread has ended.
            loop.shutdown()
            #expect(eventually(timeout: 2) { threadCount() < before })
            #expect(!loop.isOnLoopThread)
        }

        @Test func workQueuedDuringShutdownStillRuns() throws {
            let loop = try EventLoop(name: "test-loop")
            let ran = Atomic<Int>(0)
            loop.execute {
                loop.execute { ran.add(1, ordering: .relaxed) }  // queued while the loop is stopping
                loop.shutdown()
                loop.execute { ran.add(1, ordering: .relaxed) }
            }
            usleep(50_000)
            loop.shutdown()
            #expect(ran.load(ordering: .relaxed) == 2)
        }

        @Test func workerPoolRunsEverythingOnItsNamedThreads() {
            let pool = WorkerPool(name: "test-pool", threads: 3)
            let done = Atomic<Int>(0)
            let names = Mutex<Set<String>>([])
            for _ in 0..<300 {
                pool.submit {
                    let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?"
                    names.withLock { _ = $0.insert(name.trimmingCharacters(in: .newlines)) }
                    usleep(100)
                    done.add(1, ordering: .relaxed)
                }
            }
            pool.shutdown()  // drains the queue first
            #expect(done.load(ordering: .relaxed) == 300)
            #expect(names.withLock { $0.isSubset(of: ["test-pool-0", "test-pool-1", "test-pool-2"]) && $0.count >= 2 })
            pool.submit { done.add(1, ordering: .relaxed) }
            pool.shutdown()
            #expect(done.load(ordering: .relaxed) == 300)
        }
    }
}
