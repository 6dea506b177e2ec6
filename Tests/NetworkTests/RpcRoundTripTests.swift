import Foundation
import Synchronization
import Testing

@testable import Network

extension NetworkSuite {
    @Suite struct RpcRoundTripTests {
        @Test(arguments: [0, 1, 5 << 20, 40 << 20])
        func askReturnsTheReplyByteForByte(size: Int) throws {
            // The server answers with the request reversed, so a reply cannot be the request echoed by mistake.
            let handler = TestHandler { _, payload, _, responder in responder?.reply(payload.reversed()) }
            let pair = try EnvPair(server: handler)
            defer { pair.shutdown() }
            let peer = try pair.connect()
            let payload = testBytes(count: size, seed: UInt64(size))
            let reply = try peer.ask(type: 7, payload: payload, timeout: 20)
            #expect(reply.count == size)
            #expect(sameBytes(reply, payload.reversed()))
            #expect(handler.violations.withLock { $0 } == [])
        }

        @Test func thousandConcurrentAsyncAsksFromFourThreads() throws {
            let handler = TestHandler { type, payload, _, responder in
                responder?.reply(payload + [UInt8(truncatingIfNeeded: type)])
            }
            let pair = try EnvPair(server: handler)
            defer { pair.shutdown() }
            let peer = try pair.connect()
            let answered = Atomic<Int>(0)
            let wrong = Mutex<[String]>([])
            let callers = (0..<4).map { thread in
                TestThread {
                    for i in 0..<250 {
                        let payload = testBytes(count: 1 + i % 64, seed: UInt64(thread * 1000 + i))
                        let type = UInt16(thread * 1000 + i)
                        peer.ask(type: type, payload: payload, timeout: 20) { result in
                            if !peer.env.loop.isOnLoopThread { wrong.withLock { $0.append("completion off loop") } }
                            if (try? result.get()) != payload + [UInt8(truncatingIfNeeded: type)] {
                                wrong.withLock { $0.append("ask \(type): \(result)") }
                            }
                            answered.add(1, ordering: .relaxed)
                        }
                    }
                    return true
                }
            }
            for c in callers { #expect(c.join() == true) }
            #expect(eventually { answered.load(ordering: .relaxed) == 1000 })
            usleep(20_000)
            #expect(answered.load(ordering: .relaxed) == 1000, "each completion runs exactly once")
            #expect(wrong.withLock { $0 } == [])
        }

        @Test func oneWayMessagesArriveInOrder() throws {
            let handler = TestHandler { _, _, _, _ in }
            let pair = try EnvPair(server: handler)
            defer { pair.shutdown() }
            let peer = try pair.connect()
            for i in 0..<5000 {
                peer.send(type: UInt16(i % 65536), payload: withUnsafeBytes(of: UInt32(i).littleEndian) { Array($0) })
            }
            #expect(eventually { handler.oneWay.withLock { $0.count } == 5000 })
            let received = handler.oneWay.withLock { $0 }
            let numbers = received.map { $0.payload.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) } }
            #expect(numbers == (0..<5000).map { UInt32($0) })
            #expect(received.map(\.type) == (0..<5000).map { UInt16($0) })
        }

        @Test func theAcceptingSideCanAskTheConnectingSide() throws {
            let clientHandler = TestHandler { _, payload, _, responder in responder?.reply(Array("client got \(payload.count)".utf8)) }
            let serverHandler = TestHandler { _, _, _, _ in }
            let pair = try EnvPair(server: serverHandler, client: clientHandler)
            defer { pair.shutdown() }
            let peer = try pair.connect()
            peer.send(type: 1, payload: [1])  // introduces the client
            #expect(eventually { serverHandler.peers.withLock { $0.count } == 1 })
            let back = try #require(serverHandler.peers.withLock { $0.first })
            #expect(back.remoteAddress.hasPrefix("127.0.0.1:"))
            #expect(peer.remoteAddress == pair.address.description)
            #expect(try back.ask(type: 2, payload: [0, 0, 0], timeout: 5) == Array("client got 3".utf8))
        }

        @Test func askFromAHandlerWithACompletion() throws {
            // A handler may not block, but it can ask asynchronously and answer later.
            let clientHandler = TestHandler { _, payload, _, responder in responder?.reply(payload + payload) }
            let serverHandler = TestHandler { _, payload, peer, responder in
                guard let responder else { return }
                peer.ask(type: 9, payload: payload, timeout: 5) { result in
                    switch result {
                    case .success(let doubled): responder.reply(doubled)
                    case .failure(let error): responder.fail("\(error)")
                    }
                }
            }
            let pair = try EnvPair(server: serverHandler, client: clientHandler)
            defer { pair.shutdown() }
            let peer = try pair.connect()
            #expect(try peer.ask(type: 1, payload: [1, 2], timeout: 5) == [1, 2, 1, 2])
        }

        @Test func cachedPeerIsReusedAndReopenedAfterAClose() throws {
            let pair = try EnvPair(server: TestHandler())
            defer { pair.shutdown() }
            let first = try pair.client.peer(for: pair.address, timeout: 5)
            #expect(try pair.client.peer(for: pair.address, timeout: 5) === first)
            // Concurrent callers share one connection.
            let others = (0..<4).map { _ in TestThread { try? pair.client.peer(for: pair.address, timeout: 5) } }
            for o in others {
                let shared = o.join() ?? nil
                #expect(shared === first)
            }
            first.close(reason: "test closes it")
            #expect(!first.isOpen)
            let second = try pair.client.peer(for: pair.address, timeout: 5)
            #expect(second !== first && second.id != first.id)
            #expect(try second.ask(type: 1, payload: [5], timeout: 5) == [5])
        }
    }
}
