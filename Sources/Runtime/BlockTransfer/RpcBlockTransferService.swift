import Network
import Storage

/// The ``BlockTransferService`` over the engine's RPC, as Spark's NettyBlockTransferService:
/// its client half is here, its server half is the ``BlockServer`` of every process. One
/// connection per holder, shared (an executor reaches the driver's BlockManager over its
/// connection to the driver); a block is read in chunks of at most `chunkSize` bytes, one
/// request after another; a replica travels in one `putBlock` request.
///
/// Invariant: ``connection(to:)`` is the only place that opens a connection for blocks.
package final class RpcBlockTransferService: BlockTransferService {
    let rpc: RpcEnv
    let timeout: Double
    let chunkSize: Int
    /// The executor's connection to the driver, for the blocks the driver holds.
    let driver: RpcPeer?

    /// A service opening connections through `rpc`, each request waiting at most `timeout`
    /// seconds; blocks of the driver go over `driver`.
    package init(rpc: RpcEnv, timeout: Double, chunkSize: Int, driver: RpcPeer?) {
        self.rpc = rpc
        self.timeout = timeout
        self.chunkSize = max(1, chunkSize)
        self.driver = driver
    }

    /// Fetches the range in chunks from `holder`'s ``BlockServer`` (see ``BlockTransferService``).
    package func fetchBlock(_ block: BlockId, from holder: BlockManagerId, offset: Int64, length: Int,
                            completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void) {
        let name = holderName(holder)
        let peer: RpcPeer
        do {
            peer = try connection(to: holder)
        } catch {
            completion(.failure(BlockFetchError(block: block, holder: name, reason: "\(error)")))
            return
        }
        var collected: [UInt8] = []
        if length != Int.max { collected.reserveCapacity(length) }
        next(peer, block, holder: name, offset: offset, remaining: length, collected: collected, completion: completion)
    }

    /// Sends the replica to `holder`'s ``BlockServer`` in one request and waits for its answer.
    package func uploadBlock(_ block: BlockId, bytes: [UInt8], level: StorageLevel, to holder: BlockManagerId) throws {
        let put = BlockMessage.putBlock(block, level: level, bytes: bytes)
        _ = try connection(to: holder).ask(type: put.typeNumber, payload: put.encode(), timeout: timeout)
    }

    /// The connection to `holder`'s BlockManager: the driver connection for the driver, else the
    /// cached one to its address, opened (or reopened) as needed. Blocks while it connects.
    private func connection(to holder: BlockManagerId) throws(NetworkError) -> RpcPeer {
        if holder.executorId == "driver", let driver { return driver }
        return try rpc.peer(for: NetworkAddress(host: holder.host, port: holder.port), timeout: timeout)
    }

    private func holderName(_ holder: BlockManagerId) -> String {
        if holder.executorId == "driver", let driver { return "the driver (\(driver.remoteAddress))" }
        return "\(holder)"
    }

    /// Asks for the next chunk of `block` and, once it is in, for the one after, until
    /// `remaining` bytes (`Int.max`: the rest of the block) were read.
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
