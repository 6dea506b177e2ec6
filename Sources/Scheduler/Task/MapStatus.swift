import Storage

/// Where a map task's shuffle output lives and how large each reducer's segment is.
public struct MapStatus: Sendable, Equatable {
    /// The BlockManager holding the output files.
    public let location: BlockManagerId
    /// Bytes of each reduce partition's segment (compressed as stored).
    public let sizes: [Int64]
    /// The map task's partition index.
    public let mapIndex: Int

    public init(location: BlockManagerId, sizes: [Int64], mapIndex: Int) {
        self.location = location
        self.sizes = sizes
        self.mapIndex = mapIndex
    }
}
