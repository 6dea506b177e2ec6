// Named Codable function types that turn tuple records into ``Pair`` records and back, for
// `distinct` and `countByValue` of tuples.

/// `(a, b) → Pair(a, b)`.
public struct TupleToPair<A, B>: MapFunction {
    /// The function; it has no state.
    public init() {}
    /// `Pair(r.0, r.1)`.
    @inlinable
    public func callAsFunction(_ r: (A, B)) -> Pair<A, B> { Pair(r.0, r.1) }
}

/// `Pair(a, b) → (a, b)`.
public struct PairToTuple<A, B>: MapFunction {
    /// The function; it has no state.
    public init() {}
    /// `(p.first, p.second)`.
    @inlinable
    public func callAsFunction(_ p: Pair<A, B>) -> (A, B) { (p.first, p.second) }
}
