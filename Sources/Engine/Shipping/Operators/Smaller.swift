

/// The smaller of two values, for `min`.
public struct Smaller<T: Comparable>: ReduceFunction {
    /// The function; it has no state.
    public init() {}
    /// `min(a, b)`.
    public func callAsFunction(_ a: T, _ b: T) -> T { Swift.min(a, b) }
}
