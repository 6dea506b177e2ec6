

/// The larger of two values, for `max`.
public struct Larger<T: Comparable>: ReduceFunction {
    /// The function; it has no state.
    public init() {}
    /// `max(a, b)`.
    public func callAsFunction(_ a: T, _ b: T) -> T { Swift.max(a, b) }
}
