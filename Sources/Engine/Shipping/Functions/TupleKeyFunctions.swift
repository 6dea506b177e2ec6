// Named Codable function types that turn tuple keys into ``Pair`` keys and back, so that the
// tuple overloads of the by-key operators travel as `map`s of these types.

/// `((a, b), v) → (Pair(a, b), v)`.
public struct TupleKeyToPair<A, B, V>: MapFunction {
    /// The function; it has no state.
    public init() {}
    /// `(Pair(r.0.0, r.0.1), r.1)`.
    @inlinable
    public func callAsFunction(_ r: ((A, B), V)) -> (Pair<A, B>, V) { (Pair(r.0.0, r.0.1), r.1) }
}

/// `(Pair(a, b), v) → ((a, b), v)`.
public struct PairKeyToTuple<A, B, V>: MapFunction {
    /// The function; it has no state.
    public init() {}
    /// `((r.0.first, r.0.second), r.1)`.
    @inlinable
    public func callAsFunction(_ r: (Pair<A, B>, V)) -> ((A, B), V) { ((r.0.first, r.0.second), r.1) }
}
