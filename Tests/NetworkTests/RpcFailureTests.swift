import Foundation
import Synchronization
import Testing
import Threads

@testable import Network

extension NetworkSuite {
    @Suite struct RpcFailureTests {
        @Test func unansweredAskTimesOut() throws {
            let handler = TestHandler.holding()
            let pair = try EnvPair(server: handler)
            defer { pair.shutdown() }
            let peer = try pair.connect()
            let took = elapsed {
                #expect(throws: NetworkError.timeout(peer: peer.remoteAddress, messageType: 3, seconds: 0.3)) {
                    try peer.ask(type: 3, payload: [1], timeout: 0.3)
                }
            }
            #expect(took >= 0.29 && took < 1.0, "took \(took) s")

            // The asynchronous variant times out through the loop's timer.
            let outcome = TestThread { () -> (Result<[UInt8], NetworkError>, Double) in
                let promise = Latch<(Result<[UInt8], NetworkError>, Double)>()
                let start = Date()
                peer.ask(type: 4, payload: [2], timeout: 0.3) { promise.fulfill(($0, Date().timeIntervalSince(start))) }
                return promise.wait(timeout: 5) ?? (.failure(.closed), 99)
            }.join()
            let (result, asyncTook) = try #require(outcome)
            #expect(result == .failure(.timeout(peer: peer.remoteAddress, messageType: 4, seconds: 0.3)))
            #expect(asyncTook >= 0.29 && asyncTook < 1.0, "took \(asyncTook) s")
            // A late answer to a timed-out ask is ignored.
            for responder in handler.heldResponders.withLock({ $0 }) { responder.reply([9]) }
            usleep(50_000)
            #expect(peer.isOpen)
        }

        @Test func failedAskCarriesTheRemoteMessage() throws {
            let pair = try EnvPair(server: TestHandler { type, _, _, responder in
                if type == 1 { responder?.fail("block rdd_1_2 is not here") }
                // type 2: the responder is dropped without an answer
            })
            defer { pair.shutdown() }
            let peer = try pair.connect()
            #expect(throws: NetworkError.remoteError(peer: peer.remoteAddress, message: "block rdd_1_2 is not here")) {
                try peer.ask(type: 1, payload: [], timeout: 5)
            }
            let took = elapsed {
                #expect {
                    try peer.ask(type: 2, payload: [], timeout: 5)
                } throws: { error in
                    guard case .remoteError(_, let message) = error as? NetworkError else { return false }
                    return message.hasPrefix("no reply")
                }
            }
            #expect(took < 2, "a dropped responder answers at once, not after the timeout")
        }

        @Test func closingAConnectionFailsItsPendingAsksAndTellsBothSides() throws {
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
            let asyncOutcome = Mutex<Result<[UInt8], NetworkError>?>(nil)
            peer.ask(type: 2, payload: [2], timeout: 10) { r in asyncOutcome.withLock { $0 = r } }
            #expect(eventually { server.heldResponders.withLock { $0.count } == 2 })
            let serverSide = try #require(server.peers.withLock { $0.first })
            serverSide.close(reason: "executor lost")

            let result = try #require(asker.join())
            guard case .failure(.connectionLost(let who, let reason)) = result else {
                Issue.record("expected connectionLost, got \(result)")
                return
            }
            #expect(who == peer.remoteAddress)
            #expect(reason == "the peer closed the connection")
            #expect(eventually { asyncOutcome.withLock { $0 } != nil })
            #expect(asyncOutcome.withLock { $0 } == .failure(.connectionLost(peer: peer.remoteAddress, reason: reason)))
            #expect(eventually { server.disconnectCount == 1 && client.disconnectCount == 1 })
            #expect(server.disconnects.withLock { $0.first?.reason } == "executor lost")
            #expect(!peer.isOpen)
            #expect(server.violations.withLock { $0 } == [] && client.violations.withLock { $0 } == [])
            #expect(pair.serverLog.messages(at: .info).contains { $0.contains("executor lost") }, "a close asked for here is expected: info")
            // A closed peer refuses new asks at once.
            #expect(throws: NetworkError.connectionLost(peer: peer.remoteAddress, reason: reason)) {
                try peer.ask(type: 3, payload: [], timeout: 5)
            }
            peer.send(type: 4, payload: [])  // a no-op
        }

        @Test func aPeerProcessThatDiesFailsPendingAsks() throws {
            // A raw server plays a peer process that reads the request and dies.
            let raw = try RawListener()
            let client = TestHandler()
            let (logger, log) = capturingLogger()
            let env = try RpcEnv(name: "test-client", handler: client, logger: logger)
            defer { env.shutdown() }
            let dying = TestThread { () -> Int in
                let socket = raw.accept()
                return socket.receive(upTo: 1000).count  // closes as it goes out of scope
            }
            let peer = try env.connect(to: NetworkAddress(host: "127.0.0.1", port: raw.port), timeout: 5)
            #expect {
                try peer.ask(type: 1, payload: [1, 2, 3], timeout: 10)
            } throws: { error in
                guard case .connectionLost = error as? NetworkError else { return false }
                return true
            }
            #expect(dying.join() == 4 + 1 + 11 + 3)
            #expect(eventually { client.disconnectCount == 1 })
            #expect(log.messages(at: .warning).contains { $0.contains("the peer closed the connection") })
        }

        @Test(arguments: [
            ("garbage", Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
            ("oversized length", [0xFF, 0xFF, 0xFF, 0x7F]),
            ("bad version", [12, 0, 0, 0, 2] + [UInt8](repeating: 0, count: 11)),
            ("unknown kind", [12, 0, 0, 0, 1, 9] + [UInt8](repeating: 0, count: 10)),
            ("frame shorter than the message header", [3, 0, 0, 0, 1, 1, 0]),
        ])
        func malformedInputClosesOnlyThatConnection(name: String, bytes: [UInt8]) throws {
            let handler = TestHandler()
            let pair = try EnvPair(server: handler)
            defer { pair.shutdown() }
            let good = try pair.connect()
            #expect(try good.ask(type: 1, payload: [1], timeout: 5) == [1])

            let bad = try RawSocket.connect(port: pair.address.port)
            bad.send(bytes)
            #expect(bad.isClosedByPeer(), "\(name): the server closes the connection")
            #expect(eventually { handler.disconnectCount == 1 })
            let warnings = pair.serverLog.messages(at: .warning)
            #expect(warnings.contains { $0.contains("malformed") }, "\(name): \(warnings)")

            #expect(good.isOpen)
            #expect(try good.ask(type: 1, payload: [2], timeout: 5) == [2])
        }

        @Test func aFrameOverTheReceiversLimitClosesTheConnection() throws {
            let (logger, log) = capturingLogger()
            let server = try RpcEnv(name: "small-frames", handler: TestHandler(), maxFrameSize: 1024, logger: logger)
            defer { server.shutdown() }
            let address = try server.listen(host: "127.0.0.1", port: 0)
            let pair = try EnvPair(server: TestHandler())  // its client allows 64 MiB frames
            defer { pair.shutdown() }
            let peer = try pair.client.connect(to: address, timeout: 5)
            #expect(try peer.ask(type: 1, payload: testBytes(count: 1000), timeout: 5).count == 1000)
            #expect {
                try peer.ask(type: 1, payload: testBytes(count: 2000), timeout: 5)
            } throws: { error in
                guard case .connectionLost = error as? NetworkError else { return false }
                return true
            }
            // The client can see the close before the server has logged why: wait for the line (at most 5 s).
            let logged = { log.messages(at: .warning).contains { $0.contains("frame length 2012 exceeds the limit of 1024") } }
            let deadline = Date().addingTimeInterval(5)
            while !logged() && Date() < deadline { usleep(5_000) }
            #expect(logged())
            // The sender refuses what is over its own limit without sending.
            let small = try server.connect(to: pair.address, timeout: 5)
            #expect(throws: NetworkError.frameTooLarge(size: 2012, limit: 1024)) {
                try small.ask(type: 1, payload: testBytes(count: 2000), timeout: 5)
            }
            #expect(small.isOpen)
        }

        @Test func connectingWhereNobodyListensFailsQuickly() throws {
            let port = try { () throws -> Int in let l = try RawListener(); return l.port }()  // now closed
            let env = try RpcEnv(name: "test-client", handler: TestHandler(), logger: capturingLogger().0)
            defer { env.shutdown() }
            let address = NetworkAddress(host: "127.0.0.1", port: port)
            let took = elapsed {
                #expect {
                    try env.connect(to: address, timeout: 5)
                } throws: { error in
                    guard case .connectFailed(let where_, let reason) = error as? NetworkError else { return false }
                    return where_ == "127.0.0.1:\(port)" && reason.contains("ECONNREFUSED")
                }
            }
            #expect(took < 1, "took \(took) s")
        }

        @Test func listeningOnATakenPortNamesTheAddress() throws {
            let pair = try EnvPair(server: TestHandler())
            defer { pair.shutdown() }
            #expect {
                try pair.client.listen(host: "127.0.0.1", port: pair.address.port)
            } throws: { error in
                guard case .bindFailed(let address, let reason) = error as? NetworkError else { return false }
                return address == "127.0.0.1:\(pair.address.port)" && reason.contains("EADDRINUSE")
                    && "\(error)".contains("cannot listen on 127.0.0.1:\(pair.address.port)")
            }
            // The env still works after the failed listen.
            let other = try pair.client.listen(host: "127.0.0.1", port: 0)
            #expect(other.port != pair.address.port)
        }
    }
}
