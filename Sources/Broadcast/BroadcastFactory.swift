/// How broadcast values are cut into stored blocks, as Spark's BroadcastFactory
/// (`engine.broadcast.factory`). This build has one: ``TorrentBroadcastFactory``, whose pieces
/// readers fetch from any holder; another way of distributing values plugs in here.
public protocol BroadcastFactory: Sendable {
    /// The name `engine.broadcast.factory` selects it by.
    var name: String { get }
    /// Cuts `bytes` into stored pieces, and the metadata readers use to check and join them.
    func blockify(_ bytes: [UInt8], pieceSize: Int, compress: Bool, checksum: Bool) -> (TorrentBroadcast, [[UInt8]])
}

/// TorrentBroadcast: pieces of `pieceSize`, lz4-compressed and checksummed as configured.
public struct TorrentBroadcastFactory: BroadcastFactory {
    /// The factory; it has no state.
    public init() {}
    /// `TorrentBroadcast`, the default of `engine.broadcast.factory`.
    public var name: String { "TorrentBroadcast" }
    /// ``TorrentBroadcast/writeBlocks(_:pieceSize:compress:checksum:)``.
    public func blockify(_ bytes: [UInt8], pieceSize: Int, compress: Bool, checksum: Bool) -> (TorrentBroadcast, [[UInt8]]) {
        TorrentBroadcast.writeBlocks(bytes, pieceSize: pieceSize, compress: compress, checksum: checksum)
    }
}

/// The factories this build knows, by name.
public enum BroadcastFactories {
    /// Every factory of this build (one: ``TorrentBroadcastFactory``).
    public static let all: [any BroadcastFactory] = [TorrentBroadcastFactory()]

    /// The factory named `name` (also accepted with a `Factory` suffix, as Spark's class name), or nil.
    public static func named(_ name: String) -> (any BroadcastFactory)? {
        all.first { $0.name == name || $0.name + "Factory" == name }
    }
}
