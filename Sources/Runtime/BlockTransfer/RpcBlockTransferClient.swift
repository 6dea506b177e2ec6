import Broadcast
import Network
import Scheduler
import Storage
import Threads

/// Why a block could not be fetched from another process.
struct BlockFetchError: Error, CustomStringConvertible {
    let block: BlockId
    let holder: String
    let reason: String
    var description: String { "cannot fetch \(block) from \(holder): \(reason)" }
}

/// Fetches blocks from other processes' ``BlockServer``s over RPC, as Spark's
/// NettyBlockTransferService client: one connection per holder (shared), each block read in
/// chunks of at most `chunkSize` bytes, one request after another.
package final class RpcBlockTransferClient: BlockTransferClient {
    let rpc: RpcEnv
    let timeout: Double
    let chunkSize: Int

    init(rpc: RpcEnv, timeout: Double, chunkSize: Int) {
        self.rpc = rpc
        self.timeout = timeout
        self.chunkSize = max(1, chunkSize)
    }

    package func fetch(_ block: BlockId, from location: BlockManagerId, offset: Int64, length: Int,
               completion: @escaping @Sendable (Result<[UInt8], any Error>) -> Void) {
        fetchBytes(block, from: NetworkAddress(host: location.host, port: location.port), holder: "\(location)",
                   offset: offset, length: length) { result in
            switch result {
            case .success(nil):
                completion(.failure(BlockFetchError(block: block, holder: "\(location)", reason: "it does not hold the block")))
            case .success(let bytes?): completion(.success(bytes))
            case .failure(let e): completion(.failure(e))
            }
        }
    }

    /// The whole of `block` from the process at the other end of `peer`, or nil if it does not hold it. Blocks.
    func fetchWhole(_ block: BlockId, via peer: RpcPeer, holder: String) throws -> [UInt8]? {
        let promise = Latch<Result<[UInt8]?, any Error>>()
        next(peer, block, holder: holder, offset: 0, remaining: Int.max, collected: []) { promise.fulfill($0) }
        return try promise.wait().get()
    }

    /// Bytes `[offset, offset + length)` of `block` (to its end when shorter): nil if not held.
    private func fetchBytes(_ block: BlockId, from address: NetworkAddress, holder: String, offset: Int64, length: Int,
                            completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void) {
        let peer: RpcPeer
        do {
            peer = try rpc.peer(for: address, timeout: timeout)
        } catch {
            completion(.failure(BlockFetchError(block: block, holder: holder, reason: "\(error)")))
            return
        }
        var collected: [UInt8] = []
        if length != Int.max { collected.reserveCapacity(length) }
        next(peer, block, holder: holder, offset: offset, remaining: length, collected: collected, completion: completion)
    }

    private func next(_ peer: RpcPeer, _ block: BlockId, holder: String, offset: Int64, remaining: Int, collected: [UInt8],
                      completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void) {
        let n = min(remaining, chunkSize)
        let request = BlockMessage.fetchBlock(block, offset: offset, length: n)
        peer.ask(type: request.typeNumber, payload: request.encode(), timeout: timeout) { [self] result in
            let answer: (totalLength: Int64, bytes: [UInt8])?
            do {
                answer = try BlockMessage.decodeChunk(try result.get())
            } catch {
                completion(.failure(BlockFetchError(block: block, holder: holder, reason: "\(error)")))
                return
            }
            guard let answer else {
                completion(collected.isEmpty ? .success(nil)
                    : .failure(BlockFetchError(block: block, holder: holder, reason: "the block went away during the fetch")))
                return
            }
            var collected = collected
            collected.append(contentsOf: answer.bytes)
            let newOffset = offset + Int64(answer.bytes.count)
            let left = remaining == Int.max ? Int(max(0, answer.totalLength - newOffset)) : remaining - answer.bytes.count
            if left == 0 || newOffset >= answer.totalLength {
                if remaining != Int.max && left > 0 {
                    completion(.failure(BlockFetchError(block: block, holder: holder,
                        reason: "the block has \(answer.totalLength) bytes, \(left) fewer than requested")))
                } else {
                    completion(.success(collected))
                }
                return
            }
            guard !answer.bytes.isEmpty else {
                completion(.failure(BlockFetchError(block: block, holder: holder, reason: "an empty chunk before the end")))
                return
            }
            next(peer, block, holder: holder, offset: newOffset, remaining: remaining == Int.max ? Int.max : left,
                 collected: collected, completion: completion)
        }
    }
}

/// Reads a broadcast's blocks (the task binaries' too) from the driver's BlockManager, over
/// the executor's connection to the driver.
struct DriverPieceSource: BroadcastPieceSource {
    let client: RpcBlockTransferClient
    let driver: RpcPeer

    var holderName: String { "driver" }

    func fetchBlock(_ id: BlockId) throws(StorageError) -> [UInt8]? {
        do {
            return try client.fetchWhole(id, via: driver, holder: "the driver (\(driver.remoteAddress))")
        } catch {
            throw .io(path: "\(id)", operation: "fetch from the driver", reason: "\(error)")
        }
    }
}

/// Finds a broadcast block's holders as TorrentBroadcast does: the driver's BlockManagerMaster
/// lists every BlockManager that reported the piece (the driver, and executors that fetched it);
/// each is a source of its own.
struct TorrentPieceSource: BroadcastPieceSource {
    let client: RpcBlockTransferClient
    let driver: DriverPieceSource
    let master: BlockManagerMaster
    let me: BlockManagerId

    var holderName: String { "holders" }

    func fetchBlock(_ id: BlockId) throws(StorageError) -> [UInt8]? { try driver.fetchBlock(id) }

    /// The executors holding `id`, in random order, then the driver: the driver serves a piece
    /// only when no executor has it yet (or none can give it), so it is not the bottleneck.
    func holders(of id: BlockId) -> [any BroadcastPieceSource] {
        let peers: [any BroadcastPieceSource] = master.locations(id)
            .filter { $0 != me && $0.executorId != "driver" }.shuffled()
            .map { PeerPieceSource(client: client, holder: $0) }
        return peers + [driver]
    }
}

/// One executor that holds a broadcast block.
struct PeerPieceSource: BroadcastPieceSource {
    let client: RpcBlockTransferClient
    let holder: BlockManagerId

    var holderName: String { holder.executorId }

    func fetchBlock(_ id: BlockId) throws(StorageError) -> [UInt8]? {
        do {
            let peer = try client.rpc.peer(for: NetworkAddress(host: holder.host, port: holder.port), timeout: client.timeout)
            return try client.fetchWhole(id, via: peer, holder: "\(holder)")
        } catch {
            throw .io(path: "\(id)", operation: "fetch from \(holder.executorId)", reason: "\(error)")
        }
    }
}
