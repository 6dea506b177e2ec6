

/// `(k, v) → (k, 1)`, for `countByKey`.
public struct KeyWithOne<K, V>: MapFunction {
    /// The function; it has no state.
    public init() {}
    /// `(kv.0, 1)`.
    public func callAsFunction(_ kv: (K, V)) -> (K, Int) { (kv.0, 1) }
}
