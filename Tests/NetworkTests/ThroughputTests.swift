import Foundation
import Testing

@testable import Network

extension NetworkSuite {
    @Suite struct ThroughputTests {
        /// Measures loopback throughput; prints the figure and asserts only that every byte arrived.
        @Test func twoHundredFiftySixMiBIn4MiBAsks() throws {
            let chunk = testBytes(count: 4 << 20, seed: 11)
            let handler = TestHandler { _, _, _, responder in responder?.reply(chunk) }
            let pair = try EnvPair(server: handler)
            defer { pair.shutdown() }
            let peer = try pair.connect()
            var received = 0
            var intact = true
            let took = try elapsed {
                for _ in 0..<64 {
                    let reply = try peer.ask(type: 1, payload: [], timeout: 20)
                    received += reply.count
                    intact = intact && reply.count == chunk.count && reply.last == chunk.last
                }
            }
            #expect(received == 256 << 20)
            #expect(intact)
            print("loopback throughput: 256 MiB in 4 MiB asks took \(String(format: "%.3f", took)) s: "
                + "\(String(format: "%.0f", 256 / took)) MiB/s")
        }
    }
}
