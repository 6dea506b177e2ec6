/// An integer sum kept in 128 bits, so partial sums of 64-bit records do not overflow.
public struct ExactSum: Codable, Sendable, CustomStringConvertible {
    /// The sum so far.
    public private(set) var value: Int128 = 0
    /// True once the sum left the 128-bit range (after about 2⁶³ records of the largest values).
    public private(set) var overflowed = false

    /// A zero sum.
    public init() {}

    /// Adds an integer.
    public mutating func add<I: BinaryInteger>(_ x: I) {
        let (r, o) = value.addingReportingOverflow(Int128(x))
        value = r
        overflowed = overflowed || o
    }

    /// Adds another partial sum.
    public mutating func add(_ other: ExactSum) {
        let (r, o) = value.addingReportingOverflow(other.value)
        value = r
        overflowed = overflowed || o || other.overflowed
    }

    /// The sum as an `I`, or nil when it does not fit.
    public func exactly<I: FixedWidthInteger>(_: I.Type) -> I? { overflowed ? nil : I(exactly: value) }

    private enum CodingKeys: String, CodingKey { case high, low, overflowed }

    /// Decodes the two 64-bit halves (the engine's encoder has no 128-bit integers).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let high = try c.decode(Int64.self, forKey: .high), low = try c.decode(UInt64.self, forKey: .low)
        value = Int128(high) << 64 | Int128(low)
        overflowed = try c.decode(Bool.self, forKey: .overflowed)
    }

    /// Encodes the sum as two 64-bit halves.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Int64(truncatingIfNeeded: value >> 64), forKey: .high)
        try c.encode(UInt64(truncatingIfNeeded: value), forKey: .low)
        try c.encode(overflowed, forKey: .overflowed)
    }

    /// The sum in decimal.
    public var description: String { overflowed ? "beyond ±2¹²⁷" : "\(value)" }
}
