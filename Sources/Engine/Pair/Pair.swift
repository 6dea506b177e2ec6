/// Two values as one `Hashable`, `Codable` and `Comparable` value: what a tuple key, a tuple
/// record or a tuple zero value becomes inside the engine, where Swift's tuples (neither
/// `Hashable` nor `Codable`) cannot go. The tuple overloads (``RDD/reduceByKey(numPartitions:partitioner:_:file:line:)->RDD<((A,B),V)>``
/// and the others on `((A, B), V)` records, `distinct` and `countByValue` on `(A, B)` records)
/// turn tuples into pairs and back, so a job keeps writing tuples.
///
/// Compares lexicographically (`first`, then `second`), as Scala's tuple ordering.
public struct Pair<A, B> {
    /// The first value (a tuple's `.0`).
    public var first: A
    /// The second value (a tuple's `.1`).
    public var second: B

    /// The pair `(first, second)`.
    @inlinable
    public init(_ first: A, _ second: B) {
        self.first = first
        self.second = second
    }

    /// The pair of a tuple's two values.
    @inlinable
    public init(_ tuple: (A, B)) { self.init(tuple.0, tuple.1) }

    /// The two values as a tuple.
    @inlinable
    public var tuple: (A, B) { (first, second) }
}

extension Pair: Equatable where A: Equatable, B: Equatable {}
extension Pair: Hashable where A: Hashable, B: Hashable {}
extension Pair: Sendable where A: Sendable, B: Sendable {}
extension Pair: Codable where A: Codable, B: Codable {}

extension Pair: Comparable where A: Comparable, B: Comparable {
    /// Lexicographic: by `first`, then by `second`.
    @inlinable
    public static func < (lhs: Pair, rhs: Pair) -> Bool {
        lhs.first < rhs.first || (lhs.first == rhs.first && lhs.second < rhs.second)
    }
}

extension Pair: CustomStringConvertible {
    /// `(first, second)`, as the tuple prints.
    public var description: String { "(\(first), \(second))" }
}
