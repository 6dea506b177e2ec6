import Foundation
import Synchronization
import Testing

@testable import Network

extension NetworkSuite {
    @Suite struct RpcShutdownTests {
        @Test func shutdownFailsPendingAsksWithClosed() throws {
            let server = TestHandler.holding()
            let client = TestHandler()
            let pair = try EnvPair(server: server, client: client)
            defer { pair.shutdown() }
            let peer = try pair.connect()
            let asker = TestThread { () -> Result<[UInt8], NetworkError> in
                do throws(NetworkError) { return .success(try peer.ask(type: 1, payload: [1], timeout: 10)) } catch {
                    return .failure(error)
                }
            }
            let asyncOutcome = Mutex<[Result<[UInt8], NetworkError>]>([])
            peer.ask(type: 2, payload: [2], timeout: 10) { r in asyncOutcome.withLock { $0.append(r) } }
            #expect(eventually { server.heldResponders.withLock { $0.count } == 2 })

            let took = elapsed { pair.client.shutdown() }
            #expect(took < 1)
            #expect(asker.join() == .failure(.closed))
            #expect(asyncOutcome.withLock { $0 } == [.failure(.closed)])
            #expect(client.disconnectCount == 1, "the handler hears of its peers closing at shutdown")
            pair.client.shutdown()  // twice is fine

            // After shutdown everything fails with .closed, at once.
            #expect(!peer.isOpen)
            #expect(throws: NetworkError.closed) { try peer.ask(type: 3, payload: [], timeout: 5) }
            let late = Mutex<Result<[UInt8], NetworkError>?>(nil)
            peer.ask(type: 4, payload: [], timeout: 5) { r in late.withLock { $0 = r } }
            #expect(late.withLock { $0 } == .failure(.closed), "completion runs on the caller once the loop is gone")
            #expect(throws: NetworkError.closed) { try pair.client.connect(to: pair.address, timeout: 5) }
            #expect(throws: NetworkError.closed) { try pair.client.listen(host: "127.0.0.1", port: 0) }
            // The server sees the connection go.
            #expect(eventually { server.disconnectCount == 1 })
        }

        @Test func fiftyEnvsLeaveNoThreadsBehind() throws {
            // Warm up whatever the runtime creates once (Foundation, the test's own helpers).
            try makeUseAndShutDown(index: -1)
            let before = threadCount()
            for i in 0..<50 {
                try makeUseAndShutDown(index: i)
            }
            #expect(eventually(timeout: 2) { threadCount() <= before }, "threads: \(before) before, \(threadCount()) after")
        }

        private func makeUseAndShutDown(index: Int) throws {
            let (logger, _) = capturingLogger()
            let env = try RpcEnv(name: "env-\(index)", handler: TestHandler(), logger: logger)
            let address = try env.listen(host: "127.0.0.1", port: 0)
            let peer = try env.connect(to: address, timeout: 5)
            #expect(try peer.ask(type: 1, payload: [UInt8(truncatingIfNeeded: index)], timeout: 5) == [UInt8(truncatingIfNeeded: index)])
            env.shutdown()
        }

        @Test func droppingAnEnvShutsItDown() throws {
            let before = threadCount()
            do {
                let env = try RpcEnv(name: "dropped", handler: TestHandler(), logger: capturingLogger().0)
                _ = try env.listen(host: "127.0.0.1", port: 0)
                #expect(threadCount() > before)
            }
            #expect(eventually(timeout: 2) { threadCount() == before })
        }
    }
}
