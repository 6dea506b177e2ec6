

/// `a < b`, for `takeOrdered(n)` and `top(n)` of Comparable records.
public struct Ascending<T: Comparable>: OrderingFunction {
    /// The function; it has no state.
    public init() {}
    /// `a < b`.
    public func callAsFunction(_ a: T, _ b: T) -> Bool { a < b }
}
