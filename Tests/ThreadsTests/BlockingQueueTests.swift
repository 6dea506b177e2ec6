import Synchronization
import Testing
import Threads

extension ThreadsSuite {
    @Suite struct BlockingQueueTests {
        @Test func itemsComeOutInTheOrderTheyWentIn() {
            let queue = BlockingQueue<Int>()
            // More than the 1024 spent slots after which the queue compacts its storage.
            for i in 0..<5_000 { #expect(queue.put(i)) }
            var out: [Int] = []
            for _ in 0..<5_000 { out.append(queue.take() ?? -1) }
            #expect(out == Array(0..<5_000))
        }

        @Test func closeDrainsThenReturnsNil() {
            let queue = BlockingQueue<String>()
            queue.put("a")
            queue.put("b")
            queue.close()
            #expect(queue.take() == "a")
            #expect(queue.take() == "b")
            #expect(queue.take() == nil)
            #expect(queue.take() == nil)
        }

        @Test func putsAfterCloseAreRefused() {
            let queue = BlockingQueue<Int>()
            queue.close()
            #expect(!queue.put(1))
            #expect(queue.take() == nil)
        }

        @Test func takeWaitsForAPutFromAnotherThread() throws {
            let queue = BlockingQueue<Int>()
            let producer = try OSThread.start(name: "producer") {
                pause(0.05)
                queue.put(9)
            }
            defer { producer.join() }
            #expect(queue.take() == 9)
        }

        @Test func closeWakesBlockedTakers() throws {
            let queue = BlockingQueue<Int>()
            let ended = Atomic(0)
            let takers = try (0..<3).map { i in
                try OSThread.start(name: "taker-\(i)") {
                    if queue.take() == nil { ended.add(1, ordering: .relaxed) }
                }
            }
            pause(0.05)
            queue.close()
            for t in takers { t.join() }
            #expect(ended.load(ordering: .relaxed) == 3)
        }

        @Test func eachItemIsTakenExactlyOnce() throws {
            let queue = BlockingQueue<Int>()
            let taken = Mutex<[Int]>([])
            let takers = try (0..<3).map { i in
                try OSThread.start(name: "taker-\(i)") {
                    while let item = queue.take() { taken.withLock { $0.append(item) } }
                }
            }
            let producers = try (0..<2).map { p in
                try OSThread.start(name: "producer-\(p)") {
                    for i in 0..<2_000 { queue.put(p * 10_000 + i) }
                }
            }
            for p in producers { p.join() }
            queue.close()
            for t in takers { t.join() }
            let all = taken.withLock { $0 }
            #expect(all.count == 4_000)
            #expect(Set(all) == Set((0..<2_000).map { $0 } + (0..<2_000).map { 10_000 + $0 }))
        }
    }
}
