import Synchronization
import Testing
import Threads

extension ThreadsSuite {
    @Suite struct LatchTests {
        @Test func theFirstValueWins() {
            let latch = Latch<Int>()
            #expect(latch.value == nil)
            #expect(latch.fulfill(1))
            #expect(!latch.fulfill(2))
            #expect(latch.wait() == 1)
            #expect(latch.wait(timeout: 0) == 1)
            #expect(latch.value == 1)
        }

        @Test func aTimedWaitReturnsNilAfterAboutTheTimeout() {
            let latch = Latch<String>()
            let (result, took) = elapsed { latch.wait(timeout: 0.2) }
            #expect(result == nil)
            #expect(took >= 0.19 && took < 1.5, "took \(took) s")
            #expect(latch.fulfill("late"), "a timed-out wait does not close the latch")
        }

        @Test func everyWaiterGetsTheValueSetOnAnotherThread() throws {
            let latch = Latch<Int>()
            let seen = Mutex<[Int]>([])
            let waiters = try (0..<3).map { i in
                try OSThread.start(name: "waiter-\(i)") {
                    if let v = latch.wait(timeout: 10) { seen.withLock { $0.append(v) } }
                }
            }
            let setter = try OSThread.start(name: "setter") {
                pause(0.05)
                latch.fulfill(42)
            }
            let (value, took) = elapsed { latch.wait(timeout: 10) }
            setter.join()
            for w in waiters { w.join() }
            #expect(value == 42)
            #expect(took < 5, "took \(took) s")
            #expect(seen.withLock { $0 } == [42, 42, 42])
        }

        @Test func anAbandonedLatchRefusesValues() {
            let latch = Latch<Int>()
            #expect(latch.abandon() == nil)
            #expect(!latch.fulfill(1), "the producer learns nobody takes its value")
            #expect(latch.value == nil)
            #expect(latch.wait(timeout: 0.01) == nil)
        }

        @Test func abandoningAfterTheValueArrivedReturnsIt() {
            let latch = Latch<Int>()
            latch.fulfill(3)
            #expect(latch.abandon() == 3)
            #expect(latch.value == 3)
        }
    }
}
