/// Where an endpoint listens: a host name or IP address and a TCP port.
///
/// `description` is "host:port" ("[host]:port" for an IPv6 address). `init(parsing:)` reads that form, optionally
/// prefixed by the scheme "engine://", as masters and executors advertise themselves.
public struct NetworkAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The URL scheme of advertised addresses, "engine://".
    public static let scheme = "engine://"

    /// A host name ("localhost", "worker-3") or IP address ("127.0.0.1", "::1").
    public var host: String
    /// The TCP port.
    public var port: Int

    /// The address `host`:`port`; not validated (see `init(parsing:)` for checked input).
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses "engine://host:port" or "host:port" (an IPv6 host in brackets: "[::1]:7077"). The port must be in
    /// 1...65535 and the host not empty.
    public init(parsing text: String) throws(NetworkError) {
        let expected = "expected \"host:port\" or \"engine://host:port\" with a port in 1...65535"
        var rest = Substring(text.trimmingWhitespace)
        if rest.hasPrefix(Self.scheme) {
            rest = rest.dropFirst(Self.scheme.count)
        } else if rest.contains("://") {
            throw .invalidAddress("\"\(text)\" has an unknown scheme; \(expected)")
        }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw .invalidAddress("\"\(text)\" has an unclosed \"[\" or no port after \"]\"; \(expected)")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else {
                throw .invalidAddress("\"\(text)\" has no port; \(expected)")
            }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
            if host.contains(":") {
                throw .invalidAddress("\"\(text)\": write an IPv6 host in brackets, as in \"[::1]:7077\"")
            }
        }
        guard !host.isEmpty else { throw .invalidAddress("\"\(text)\" has an empty host; \(expected)") }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw .invalidAddress("\"\(text)\" has port \"\(portText)\"; \(expected)")
        }
        self.init(host: String(host), port: port)
    }

    /// "host:port", or "[host]:port" when the host is an IPv6 address.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

extension String {
    fileprivate var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
