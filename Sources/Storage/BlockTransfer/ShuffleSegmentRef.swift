import Foundation
import Threads

/// One map output's segment for a reducer: where it is and how large.
public struct ShuffleSegmentRef: Sendable, Equatable {
    /// The BlockManager holding the map output.
    public let location: BlockManagerId
    /// The map task's partition index: segments are read in this order.
    public let mapIndex: Int
    /// The map output's id (its files' name).
    public let mapId: Int64
    /// The segment's stored size in bytes.
    public let size: Int64

    /// A segment of map output `mapId` (of map partition `mapIndex`) held by `location`.
    public init(location: BlockManagerId, mapIndex: Int, mapId: Int64, size: Int64) {
        self.location = location
        self.mapIndex = mapIndex
        self.mapId = mapId
        self.size = size
    }
}
