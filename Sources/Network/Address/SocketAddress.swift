import CLibUV

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A resolved IPv4 or IPv6 socket address, as libuv's bind and connect take it.
struct SocketAddress: @unchecked Sendable {  // @unchecked: a plain C struct of bytes, never shared mutably.
    var storage = sockaddr_storage()

    /// Resolves `host` and `port` with getaddrinfo, preferring an IPv4 result (so "localhost" reaches a server
    /// listening on 127.0.0.1). `passive` resolves for listening: an empty host means every interface. Blocks on
    /// name lookups: call it on the caller's thread, never on a loop thread.
    static func resolve(host: String, port: Int, passive: Bool) -> Result<SocketAddress, ResolveFailure> {
        guard (0...65535).contains(port) else { return .failure(ResolveFailure(reason: "port \(port) is not in 0...65535")) }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
        guard rc == 0, let list else {
            return .failure(ResolveFailure(reason: "cannot resolve host \"\(host)\": \(String(cString: gai_strerror(rc)))"))
        }
        defer { freeaddrinfo(list) }
        var chosen: UnsafeMutablePointer<addrinfo>?
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let e = entry {
            if e.pointee.ai_family == AF_INET { chosen = e; break }
            if chosen == nil, e.pointee.ai_family == AF_INET6 { chosen = e }
            entry = e.pointee.ai_next
        }
        guard let chosen, let sa = chosen.pointee.ai_addr else {
            return .failure(ResolveFailure(reason: "host \"\(host)\" has no IPv4 or IPv6 address"))
        }
        var address = SocketAddress()
        withUnsafeMutableBytes(of: &address.storage) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: sa, count: Int(chosen.pointee.ai_addrlen)))
        }
        return .success(address)
    }

    /// Calls `body` with the address as a `sockaddr` pointer.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self)) }
    }

    /// The port, in host byte order.
    var port: Int {
        withSockaddr { sa in
            switch Int32(sa.pointee.sa_family) {
            case AF_INET:
                sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            case AF_INET6:
                sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            default: 0
            }
        }
    }

    /// The IP address as text ("127.0.0.1", "::1").
    var ip: String {
        withSockaddr { sa in
            var text = [CChar](repeating: 0, count: 64)
            _ = uv_ip_name(sa, &text, text.count)
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// "ip:port", "[ip]:port" for IPv6.
    var description: String {
        NetworkAddress(host: ip, port: port).description
    }

    /// The local or remote address of a TCP handle, as "ip:port"; "unknown" if libuv cannot tell.
    static func describe(
        _ tcp: UnsafePointer<uv_tcp_t>,
        _ query: (UnsafePointer<uv_tcp_t>, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<Int32>) -> Int32
    ) -> SocketAddress? {
        var address = SocketAddress()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutableBytes(of: &address.storage) { raw in
            query(tcp, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
        }
        return rc == 0 ? address : nil
    }
}

/// Why a host and port could not be resolved.
struct ResolveFailure: Error {
    let reason: String
}
