// INTERIM: replaced by the storage branch at merge. Same public signatures.
import Storage
import Synchronization

public struct BroadcastHandle: Sendable, Codable, Hashable {
    public let id: Int
    public init(id: Int) { self.id = id }
}

public final class BroadcastManager: Sendable {
    let bm: BlockManager
    let next = Mutex(0)
    public init(blockManager: BlockManager, pieceSize: Int = 4 << 20, compress: Bool = true) { bm = blockManager }
    public func newBroadcast(bytes: [UInt8]) throws(StorageError) -> BroadcastHandle {
        let id = next.withLock { $0 += 1; return $0 - 1 }
        try bm.putBytes(.broadcast(id: id), bytes)
        return BroadcastHandle(id: id)
    }
    public func readBytes(_ handle: BroadcastHandle) throws(StorageError) -> [UInt8] {
        guard let b = bm.getBytes(.broadcast(id: handle.id)) else { throw .blockNotFound("broadcast_\(handle.id)") }
        return b
    }
    public func unbroadcast(_ handle: BroadcastHandle) { bm.removeBlock(.broadcast(id: handle.id)) }
}
