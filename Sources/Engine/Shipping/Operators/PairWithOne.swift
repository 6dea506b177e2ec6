

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
