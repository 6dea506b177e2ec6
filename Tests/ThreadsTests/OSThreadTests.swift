import Synchronization
import Testing
import Threads

#if canImport(Glibc)
import Glibc
#endif

extension ThreadsSuite {
    @Suite struct OSThreadTests {
        @Test func startOSThreadRunsTheBodyOnAnotherThread() {
            let ran = Latch<UInt>()
            startOSThread(name: "detached") { ran.fulfill(OSThread.current.id) }
            let id = ran.wait(timeout: 10)
            #expect(id != nil)
            #expect(id != OSThread.current.id)
        }

        @Test func aStartedThreadIsTheOneItsBodyRunsOn() throws {
            let inside = Latch<OSThread>()
            let thread = try OSThread.start(name: "joinable") { inside.fulfill(.current) }
            thread.join()
            #expect(inside.value == thread)
            #expect(thread != .current)
        }

        @Test func joinWaitsForTheBodyToEnd() throws {
            let finished = Atomic(false)
            let thread = try OSThread.start(name: "slow") {
                pause(0.1)
                finished.store(true, ordering: .releasing)
            }
            thread.join()
            let done = finished.load(ordering: .acquiring)
            #expect(done)
        }

        @Test func theThreadCarriesItsNameCutTo15Bytes() throws {
            #if os(Linux)
            let name = Latch<String>()
            try onThread("a-rather-long-thread-name") {
                let fd = open("/proc/thread-self/comm", O_RDONLY)
                guard fd >= 0 else { return }
                defer { close(fd) }
                var buffer = [UInt8](repeating: 0, count: 64)
                let n = read(fd, &buffer, buffer.count)
                name.fulfill(String(decoding: buffer[0..<max(0, n)], as: UTF8.self))
            }
            #expect(name.value == "a-rather-long-t\n")
            #endif
        }

        @Test func anImpossibleStackSizeIsAStartError() {
            #expect(throws: OSThread.StartError.self) {
                try OSThread.start(name: "tiny", stackSize: 1) {}
            }
        }
    }
}
