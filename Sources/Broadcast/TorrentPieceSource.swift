import Storage

/// Finds a broadcast block's holders as TorrentBroadcast does: the BlockManagerMaster lists
/// every BlockManager that reported the block (the driver, and executors that fetched it);
/// each is a source of its own, read through the ``BlockTransferService``.
public struct TorrentPieceSource: BroadcastPieceSource {
    /// Moves the blocks.
    public let transfer: any BlockTransferService
    /// The driver, tried after the executors.
    public let driver: DriverPieceSource
    /// Where the holders are looked up.
    public let master: BlockManagerMaster
    /// This node's BlockManager, never asked.
    public let me: BlockManagerId

    /// A source finding holders through `master` and reading them through `transfer`.
    public init(transfer: any BlockTransferService, driver: DriverPieceSource, master: BlockManagerMaster,
                me: BlockManagerId) {
        self.transfer = transfer
        self.driver = driver
        self.master = master
        self.me = me
    }

    /// `holders`.
    public var holderName: String { "holders" }

    /// Block `id` from the driver.
    public func fetchBlock(_ id: BlockId) throws(StorageError) -> [UInt8]? { try driver.fetchBlock(id) }

    /// The executors holding `id`, in random order, then the driver: the driver serves a piece
    /// only when no executor has it yet (or none can give it), so it is not the bottleneck.
    public func holders(of id: BlockId) -> [any BroadcastPieceSource] {
        let peers: [any BroadcastPieceSource] = master.locations(id)
            .filter { $0 != me && $0.executorId != "driver" }.shuffled()
            .map { PeerPieceSource(transfer: transfer, holder: $0) }
        return peers + [driver]
    }
}

/// Reads a broadcast's blocks (the task binaries' too) from the driver's BlockManager.
public struct DriverPieceSource: BroadcastPieceSource {
    /// Moves the blocks.
    public let transfer: any BlockTransferService
    /// The driver's BlockManager.
    public let driver: BlockManagerId

    /// A source reading `driver` through `transfer`.
    public init(transfer: any BlockTransferService, driver: BlockManagerId) {
        self.transfer = transfer
        self.driver = driver
    }

    /// `driver`.
    public var holderName: String { "driver" }

    /// Block `id` from the driver, or nil if it does not hold it.
    public func fetchBlock(_ id: BlockId) throws(StorageError) -> [UInt8]? {
        do {
            return try transfer.fetchBlockSync(id, from: driver)
        } catch {
            throw .io(path: "\(id)", operation: "fetch from the driver", reason: "\(error)")
        }
    }
}

/// One executor that holds a broadcast block.
public struct PeerPieceSource: BroadcastPieceSource {
    /// Moves the blocks.
    public let transfer: any BlockTransferService
    /// The executor's BlockManager.
    public let holder: BlockManagerId

    /// A source reading `holder` through `transfer`.
    public init(transfer: any BlockTransferService, holder: BlockManagerId) {
        self.transfer = transfer
        self.holder = holder
    }

    /// The executor's id.
    public var holderName: String { holder.executorId }

    /// Block `id` from the executor, or nil if it does not hold it.
    public func fetchBlock(_ id: BlockId) throws(StorageError) -> [UInt8]? {
        do {
            return try transfer.fetchBlockSync(id, from: holder)
        } catch {
            throw .io(path: "\(id)", operation: "fetch from \(holder.executorId)", reason: "\(error)")
        }
    }
}
