import Storage

/// Where a map task's shuffle output lives and how large each reducer's segment is.
public struct MapStatus: Sendable, Equatable {
    /// The BlockManager holding the output files.
    public let location: BlockManagerId
    /// Bytes of each reduce partition's segment (compressed as stored).
    public let sizes: [Int64]
    /// The map task's partition index.
    public let mapIndex: Int
    /// The id the output files are named by: the writing task attempt's id, so that a
    /// recomputed output never meets the files of an earlier attempt (as Spark 3).
    public let mapId: Int64

    /// A map output's status, as the map task reports it.
    public init(location: BlockManagerId, sizes: [Int64], mapIndex: Int, mapId: Int64) {
        self.location = location
        self.sizes = sizes
        self.mapIndex = mapIndex
        self.mapId = mapId
    }
}
