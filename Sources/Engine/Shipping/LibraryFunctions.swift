// Named Codable function types the library's own actions use, so that they travel to
// executors in every build: a closure literal written inside the library's generic code
// captures its generic context unless the compiler specializes it (debug builds do not).

/// `x → (x, 1)`, for `countByValue`.
public struct PairWithOne<T>: MapFunction {
    /// The function; it has no state.
    public init() {}
    /// `(x, 1)`.
    public func callAsFunction(_ x: T) -> (T, Int) { (x, 1) }
}

/// `(k, v) → (k, 1)`, for `countByKey`.
public struct KeyWithOne<K, V>: MapFunction {
    /// The function; it has no state.
    public init() {}
    /// `(kv.0, 1)`.
    public func callAsFunction(_ kv: (K, V)) -> (K, Int) { (kv.0, 1) }
}

/// The larger of two values, for `max`.
public struct Larger<T: Comparable>: ReduceFunction {
    /// The function; it has no state.
    public init() {}
    /// `max(a, b)`.
    public func callAsFunction(_ a: T, _ b: T) -> T { Swift.max(a, b) }
}

/// The smaller of two values, for `min`.
public struct Smaller<T: Comparable>: ReduceFunction {
    /// The function; it has no state.
    public init() {}
    /// `min(a, b)`.
    public func callAsFunction(_ a: T, _ b: T) -> T { Swift.min(a, b) }
}

/// `a < b`, for `takeOrdered(n)` and `top(n)` of Comparable records.
public struct Ascending<T: Comparable>: OrderingFunction {
    /// The function; it has no state.
    public init() {}
    /// `a < b`.
    public func callAsFunction(_ a: T, _ b: T) -> Bool { a < b }
}
