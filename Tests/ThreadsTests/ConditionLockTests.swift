import Synchronization
import Testing
import Threads

extension ThreadsSuite {
    @Suite struct ConditionLockTests {
        @Test func timedWaitReturnsNilAfterAboutTheTimeout() {
            let lock = ConditionLock(0)
            var checks = 0
            let (result, took) = elapsed {
                lock.wait(timeout: 0.2) { n -> Int? in
                    checks += 1
                    return n > 0 ? n : nil
                }
            }
            #expect(result == nil)
            #expect(took >= 0.19 && took < 1.5, "took \(took) s")
            #expect(checks >= 2, "the predicate is checked at once and again when the time is up")
        }

        @Test func timedWaitReturnsTheValueWhenNotifiedFromAnotherThread() throws {
            let lock = ConditionLock(0)
            let setter = try OSThread.start(name: "setter") {
                pause(0.05)
                lock.withLockNotifyingAll { $0 = 7 }
            }
            defer { setter.join() }
            let (result, took) = elapsed { lock.wait(timeout: 10) { $0 > 0 ? $0 : nil } }
            #expect(result == 7)
            #expect(took < 5, "woken by the notification, not the timeout: took \(took) s")
        }

        @Test func untimedWaitReturnsTheValueAndMayTakeIt() throws {
            let lock = ConditionLock<[String]>([])
            let setter = try OSThread.start(name: "setter") {
                pause(0.02)
                lock.withLockNotifyingOne { $0.append("a") }
            }
            defer { setter.join() }
            let taken = lock.wait { items -> String? in items.popLast() }
            #expect(taken == "a")
            #expect(lock.withLock { $0.isEmpty })
        }

        @Test func aPastDeadlineChecksOnceWithoutWaiting() {
            let lock = ConditionLock(5)
            let (hit, tookHit) = elapsed { lock.wait(deadline: 0) { $0 } }
            #expect(hit == 5)
            #expect(tookHit < 0.5)
            let (miss, tookMiss) = elapsed { lock.wait(timeout: -1) { _ -> Int? in nil } }
            #expect(miss == nil)
            #expect(tookMiss < 0.5)
        }

        @Test func withLockNotifyingAllWakesEveryWaiter() throws {
            let lock = ConditionLock(false)
            let woken = Atomic(0)
            let waiters = try (0..<3).map { i in
                try OSThread.start(name: "waiter-\(i)") {
                    if lock.wait(timeout: 10, until: { $0 ? true : nil }) != nil {
                        woken.add(1, ordering: .relaxed)
                    }
                }
            }
            pause(0.05)
            lock.withLockNotifyingAll { $0 = true }
            for w in waiters { w.join() }
            #expect(woken.load(ordering: .relaxed) == 3)
        }

        @Test func notifyAllWakesWaitersForAChangeMadeUnderWithLock() throws {
            let lock = ConditionLock(0)
            let waiter = try OSThread.start(name: "waiter") {
                _ = lock.wait(timeout: 10) { $0 == 1 ? true : nil }
            }
            pause(0.05)
            lock.withLock { $0 = 1 }
            let (_, took) = elapsed {
                lock.notifyAll()
                waiter.join()
            }
            #expect(took < 5, "took \(took) s")
        }

        @Test func withLockExcludesOtherThreads() throws {
            let lock = ConditionLock(0)
            let threads = try (0..<4).map { i in
                try OSThread.start(name: "adder-\(i)") {
                    for _ in 0..<10_000 { lock.withLock { $0 += 1 } }
                }
            }
            for t in threads { t.join() }
            #expect(lock.withLock { $0 } == 40_000)
        }

        @Test func withLockPassesTypedErrorsThrough() {
            struct Refused: Error, Equatable {}
            let lock = ConditionLock(1)
            #expect(throws: Refused()) {
                try lock.withLockNotifyingAll { n throws(Refused) in
                    n = 2
                    throw Refused()
                }
            }
            #expect(lock.withLock { $0 } == 2)
        }
    }
}
