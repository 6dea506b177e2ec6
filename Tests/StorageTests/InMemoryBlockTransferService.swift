import Storage
import Synchronization

/// A ``BlockTransferService`` between the BlockManagers of one process, for tests (as swift-nio's
/// embedded channel): a fetch reads the holder's stores directly (shuffle segments in ranges, other
/// blocks as ``BlockManager/getSerializedBytes(_:)`` gives them), an upload is the holder's
/// ``BlockManager/putReplica(_:_:level:)``. Every answer is given on the calling thread. A holder can
/// be made to fail every request, or to damage one block on the way out.
final class InMemoryBlockTransferService: BlockTransferService {
    private struct Holder {
        weak var manager: BlockManager?
    }

    private struct State {
        var holders: [BlockManagerId: Holder] = [:]
        var failing: Set<BlockManagerId> = []
        var damaged: Set<Damage> = []
        var fetches: [(block: BlockId, from: String)] = []
        var uploads: [(block: BlockId, to: String)] = []
    }

    private struct Damage: Hashable {
        let block: BlockId
        let holder: BlockManagerId
    }

    private let state = Mutex(State())

    /// Makes `manager` reachable (held weakly: it holds this service).
    func register(_ manager: BlockManager) {
        state.withLock { $0.holders[manager.blockManagerId] = Holder(manager: manager) }
    }

    /// Every request to `holder` fails from now on, as if its process were gone.
    func fail(_ holder: BlockManagerId) {
        state.withLock { _ = $0.failing.insert(holder) }
    }

    /// `holder` answers fetches of `block` with one byte flipped.
    func damage(_ block: BlockId, on holder: BlockManagerId) {
        state.withLock { _ = $0.damaged.insert(Damage(block: block, holder: holder)) }
    }

    /// The fetches asked so far: block and holder's executor id.
    var fetches: [(block: BlockId, from: String)] { state.withLock { $0.fetches } }

    /// The uploads made so far: block and holder's executor id.
    var uploads: [(block: BlockId, to: String)] { state.withLock { $0.uploads } }

    func fetchBlock(_ block: BlockId, from holder: BlockManagerId, offset: Int64, length: Int,
                    completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void) {
        let (manager, damaged) = state.withLock { s in
            s.fetches.append((block, holder.executorId))
            return (s.failing.contains(holder) ? nil : s.holders[holder]?.manager,
                    s.damaged.contains(Damage(block: block, holder: holder)))
        }
        guard let manager else {
            completion(.failure(BlockFetchError(block: block, holder: "\(holder)", reason: "connection refused")))
            return
        }
        do {
            guard var bytes = try read(block, from: manager, offset: offset, length: length) else {
                completion(.success(nil))
                return
            }
            if damaged, !bytes.isEmpty { bytes[bytes.count / 2] ^= 0x5a }
            completion(.success(bytes))
        } catch {
            completion(.failure(BlockFetchError(block: block, holder: "\(holder)", reason: "\(error)")))
        }
    }

    func uploadBlock(_ block: BlockId, bytes: [UInt8], level: StorageLevel, to holder: BlockManagerId) throws {
        let manager = state.withLock { s in
            s.uploads.append((block, holder.executorId))
            return s.failing.contains(holder) ? nil : s.holders[holder]?.manager
        }
        guard let manager else { throw BlockFetchError(block: block, holder: "\(holder)", reason: "connection refused") }
        try manager.putReplica(block, bytes, level: level)
    }

    private func read(_ block: BlockId, from manager: BlockManager, offset: Int64, length: Int) throws -> [UInt8]? {
        if case .shuffle = block {
            return try manager.getShuffleBlockData(block, offset: offset, maxCount: length).bytes
        }
        guard let all = manager.getSerializedBytes(block) else { return nil }
        guard offset >= 0, offset <= Int64(all.count) else {
            throw StorageError.corrupt("bytes from \(offset) of the \(all.count)-byte block \(block) requested")
        }
        let start = Int(offset)
        return Array(all[start..<(start + min(length, all.count - start))])
    }
}
