/// Names a block, as Spark's BlockId does: `rdd_R_P`, `shuffle_S_M_R`, `broadcast_B`, ….
public enum BlockId: Hashable, Sendable, CustomStringConvertible {
    /// Partition `partition` of RDD `rddId`, when persisted.
    case rdd(rddId: Int, partition: Int)
    /// The segment for reducer `reduceId` of map task `mapId`'s output of shuffle `shuffleId`.
    case shuffle(shuffleId: Int, mapId: Int, reduceId: Int)
    /// The data file of a map task's output (all reducers' segments, in order).
    case shuffleData(shuffleId: Int, mapId: Int)
    /// The index file of a map task's output: numReducers + 1 offsets into the data file.
    case shuffleIndex(shuffleId: Int, mapId: Int)
    /// A whole broadcast value, deserialized, on the node that uses it.
    case broadcast(id: Int)
    /// Piece `piece` of broadcast `id`: compressed, checksummed bytes.
    case broadcastPiece(id: Int, piece: Int)
    /// A task result too large to travel inline.
    case taskResult(taskId: Int64)
    /// A temporary block (spills), named by a unique number.
    case temp(UInt64)

    /// The block's name, also used as its file name.
    public var name: String {
        switch self {
        case .rdd(let r, let p): return "rdd_\(r)_\(p)"
        case .shuffle(let s, let m, let r): return "shuffle_\(s)_\(m)_\(r)"
        case .shuffleData(let s, let m): return "shuffle_\(s)_\(m)_0.data"
        case .shuffleIndex(let s, let m): return "shuffle_\(s)_\(m)_0.index"
        case .broadcast(let id): return "broadcast_\(id)"
        case .broadcastPiece(let id, let p): return "broadcast_\(id)_piece\(p)"
        case .taskResult(let t): return "taskresult_\(t)"
        case .temp(let n): return "temp_\(n)"
        }
    }

    /// The block's ``name``.
    public var description: String { name }
}

/// Identifies one BlockManager: the executor it belongs to and where it listens.
public struct BlockManagerId: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The executor the block manager belongs to (`driver` on the driver).
    public let executorId: String
    /// The address other processes reach its block server at.
    public let host: String
    /// The block server's port (0 when it serves no other process: local mode).
    public let port: Int

    /// An id; the block manager's own or a peer's.
    public init(executorId: String, host: String, port: Int) {
        self.executorId = executorId
        self.host = host
        self.port = port
    }

    /// `BlockManagerId(exec-1, 10.0.0.2, 40123)`, as Spark prints it.
    public var description: String { "BlockManagerId(\(executorId), \(host), \(port))" }
}
