import Storage

/// Where a reader gets a broadcast's blocks (its metadata and its pieces)
/// when the local block manager does not hold them: the driver, or any peer
/// that already fetched them. ``TorrentPieceSource`` finds them through the
/// BlockManagerMaster and reads them through the ``BlockTransferService``.
public protocol BroadcastPieceSource: Sendable {
    /// The bytes of block `id`, or nil if this source does not have it.
    func fetchBlock(_ id: BlockId) throws(StorageError) -> [UInt8]?
    /// The holders of block `id` right now (the driver, executors that fetched it), each a
    /// source of its own, in the order the reader should try them. By default: this source.
    func holders(of id: BlockId) -> [any BroadcastPieceSource]
    /// Who this is, for errors and statistics: `driver`, `exec-2`.
    var holderName: String { get }
}

extension BroadcastPieceSource {
    /// Only this source, for sources that know of no other holder (a block manager in this process).
    public func holders(of id: BlockId) -> [any BroadcastPieceSource] { [self] }
    /// `source`, for sources that do not name themselves.
    public var holderName: String { "source" }
}

/// A source that reads another block manager in the same process.
public struct BlockManagerPieceSource: BroadcastPieceSource {
    /// The block manager read from.
    public let blockManager: BlockManager

    /// A source reading `blockManager`.
    public init(blockManager: BlockManager) { self.blockManager = blockManager }

    /// The block's bytes from `blockManager`'s memory store, else its disk store; nil if neither holds it.
    public func fetchBlock(_ id: BlockId) throws(StorageError) -> [UInt8]? {
        blockManager.getBytes(id)
    }

    /// The executor id of the block manager read: `driver` or `exec-2`.
    public var holderName: String { blockManager.blockManagerId.executorId }
}
