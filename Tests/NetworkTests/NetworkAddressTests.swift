import Foundation
import Testing

@testable import Network

extension NetworkSuite {
    @Suite struct NetworkAddressTests {
        @Test func parsesBothForms() throws {
            #expect(try NetworkAddress(parsing: "engine://worker-1:7077") == NetworkAddress(host: "worker-1", port: 7077))
            #expect(try NetworkAddress(parsing: "127.0.0.1:1") == NetworkAddress(host: "127.0.0.1", port: 1))
            #expect(try NetworkAddress(parsing: " localhost:65535 ") == NetworkAddress(host: "localhost", port: 65535))
            #expect(try NetworkAddress(parsing: "engine://[::1]:80") == NetworkAddress(host: "::1", port: 80))
        }

        @Test func describesAsHostPort() {
            #expect(NetworkAddress(host: "h", port: 5).description == "h:5")
            #expect(NetworkAddress(host: "::1", port: 5).description == "[::1]:5")
        }

        @Test(arguments: ["", "host", "host:", ":80", "host:0", "host:65536", "host:http", "http://h:80", "::1:80",
                          "[::1:80"])
        func rejects(_ text: String) {
            #expect {
                try NetworkAddress(parsing: text)
            } throws: { error in
                guard case .invalidAddress(let message) = error as? NetworkError else { return false }
                return message.contains("\"\(text)\"") || message.contains("\"\(text.trimmingCharacters(in: .whitespaces))\"")
            }
        }

        @Test func codableRoundTrip() throws {
            let address = NetworkAddress(host: "10.0.0.2", port: 4040)
            let decoded = try JSONDecoder().decode(NetworkAddress.self, from: JSONEncoder().encode(address))
            #expect(decoded == address)
            #expect(try NetworkAddress(parsing: address.description) == address)
        }
    }
}
