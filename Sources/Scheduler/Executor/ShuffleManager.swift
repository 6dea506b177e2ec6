/// A process's shuffle system as the environment holds it, as Spark's ShuffleManager trait.
/// Runtime's `SortShuffleManager` implements it: it also registers shuffles and hands out their
/// writers and readers, which are generic and specialize in the job's module, so they are not
/// part of this protocol.
public protocol ShuffleManager: AnyObject, Sendable {
    /// Removes what this process keeps of shuffle `shuffleId` (its map output files); returns how
    /// many files went. The one removal path: the driver's request to remove a shuffle ends here.
    @discardableResult
    func unregisterShuffle(_ shuffleId: Int) -> Int
}
