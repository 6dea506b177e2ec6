/// A record type the numeric actions (`sum`, `mean`, `stats`, `histogram`, …) accept: `Double`,
/// `Float` and the standard integer types, as Spark's DoubleRDDFunctions on RDDs of numbers.
/// Statistics are computed on the values as `Double`; `sum()` of an integer RDD
/// stays an integer.
public protocol NumericRecord: Codable, Comparable, Sendable, SendableMetatype {
    /// The value as a `Double` (integers above 2⁵³ are rounded).
    var doubleValue: Double { get }
}

extension Double: NumericRecord {
    /// The value itself.
    @inlinable public var doubleValue: Double { self }
}

extension Float: NumericRecord {
    /// The value, widened.
    @inlinable public var doubleValue: Double { Double(self) }
}

extension Int: NumericRecord {
    /// The value, converted.
    @inlinable public var doubleValue: Double { Double(self) }
}

extension Int8: NumericRecord {
    /// The value, converted.
    @inlinable public var doubleValue: Double { Double(self) }
}

extension Int16: NumericRecord {
    /// The value, converted.
    @inlinable public var doubleValue: Double { Double(self) }
}

extension Int32: NumericRecord {
    /// The value, converted.
    @inlinable public var doubleValue: Double { Double(self) }
}

extension Int64: NumericRecord {
    /// The value, converted.
    @inlinable public var doubleValue: Double { Double(self) }
}

extension UInt: NumericRecord {
    /// The value, converted.
    @inlinable public var doubleValue: Double { Double(self) }
}

extension UInt8: NumericRecord {
    /// The value, converted.
    @inlinable public var doubleValue: Double { Double(self) }
}

extension UInt16: NumericRecord {
    /// The value, converted.
    @inlinable public var doubleValue: Double { Double(self) }
}

extension UInt32: NumericRecord {
    /// The value, converted.
    @inlinable public var doubleValue: Double { Double(self) }
}

extension UInt64: NumericRecord {
    /// The value, converted.
    @inlinable public var doubleValue: Double { Double(self) }
}
