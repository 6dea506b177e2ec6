/// One key's values from each of three cogrouped RDDs, as the spillable map keeps them.
public struct CoGroupBuffers3<A: Codable, B: Codable, C: Codable>: Codable {
    /// The values of the first RDD.
    public var a: [A] = []
    /// The values of the second RDD.
    public var b: [B] = []
    /// The values of the third RDD.
    public var c: [C] = []
    /// Empty buffers.
    @inlinable public init() {}
    /// Appends another key's buffers (of another spill run).
    @inlinable
    public mutating func merge(_ o: Self) {
        a.append(contentsOf: o.a)
        b.append(contentsOf: o.b)
        c.append(contentsOf: o.c)
    }
}

/// One key's values from each of four cogrouped RDDs, as the spillable map keeps them.
public struct CoGroupBuffers4<A: Codable, B: Codable, C: Codable, D: Codable>: Codable {
    /// The values of the first RDD.
    public var a: [A] = []
    /// The values of the second RDD.
    public var b: [B] = []
    /// The values of the third RDD.
    public var c: [C] = []
    /// The values of the fourth RDD.
    public var d: [D] = []
    /// Empty buffers.
    @inlinable public init() {}
    /// Appends another key's buffers (of another spill run).
    @inlinable
    public mutating func merge(_ o: Self) {
        a.append(contentsOf: o.a)
        b.append(contentsOf: o.b)
        c.append(contentsOf: o.c)
        d.append(contentsOf: o.d)
    }
}
