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

    /// The sum in decimal.
    public var description: String { overflowed ? "beyond ±2¹²⁷" : "\(value)" }
}
