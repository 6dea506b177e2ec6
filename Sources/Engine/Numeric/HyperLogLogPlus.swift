import Storage

/// A HyperLogLog++ sketch of the distinct values seen, with dense registers, as stream-lib's
/// `HyperLogLogPlus(p, 0)` that Spark's `countApproxDistinct` uses: a 64-bit hash per value, its
/// top `p` bits choosing one of 2ᵖ registers, which keeps the longest run of leading zeros
/// (+1) of the remaining bits. Mergeable: the register-wise maximum of two sketches is the
/// sketch of the union.
///
/// The estimate is HyperLogLog's harmonic mean of the registers, replaced by linear counting
/// of the empty registers at small cardinalities (below HyperLogLog++'s threshold for `p`, or
/// while the raw estimate is under 2.5 × 2ᵖ). HyperLogLog++'s empirical bias-correction tables
/// are not included: between 2.5 and 5 × 2ᵖ the raw estimate is used, whose bias there is
/// about 1–2%.
public struct HyperLogLogPlus: Codable, Sendable, Equatable {
    /// The precision: 2ᵖ registers, relative standard deviation about 1.04 / √(2ᵖ).
    public let p: Int
    private var registers: [UInt8]

    /// An empty sketch of precision `p` (4 through 18; a precision outside is clamped to that range).
    public init(p: Int) {
        self.p = Swift.min(Swift.max(p, 4), 18)
        registers = [UInt8](repeating: 0, count: 1 << self.p)
    }

    /// The precision Spark chooses for a relative standard deviation: ⌈2 log₂(1.054 / relativeSD)⌉, at least 4.
    public static func precision(relativeSD: Double) -> Int {
        Swift.max(4, Int((2 * (log2Of(1.054 / relativeSD))).rounded(.up)))
    }

    /// Adds a value by its 64-bit hash.
    public mutating func offer(hash x: UInt64) {
        let index = Int(x >> UInt64(64 - p))
        let w = (x << UInt64(p)) | (1 << UInt64(p - 1))
        let rho = UInt8(w.leadingZeroBitCount + 1)
        if rho > registers[index] { registers[index] = rho }
    }

    /// Adds the values another sketch of the same precision has seen (a sketch of another precision is ignored).
    public mutating func merge(_ other: HyperLogLogPlus) {
        guard other.p == p else { return }
        for i in registers.indices where other.registers[i] > registers[i] { registers[i] = other.registers[i] }
    }

    /// The estimated number of distinct values.
    public var cardinality: Int {
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += 1 / Double(UInt64(1) << UInt64(r))
            if r == 0 { zeros += 1 }
        }
        let alpha: Double
        switch p {
        case 4: alpha = 0.673
        case 5: alpha = 0.697
        case 6: alpha = 0.709
        default: alpha = 0.7213 / (1 + 1.079 / m)
        }
        let estimate = alpha * m * m / sum
        if zeros > 0 {
            let linear = m * logOf(m / Double(zeros))
            if linear <= Self.threshold(p) || estimate <= 2.5 * m { return Int(linear.rounded()) }
        }
        return Int(estimate.rounded())
    }

    /// HyperLogLog++'s cardinality below which linear counting is the better estimate, for p = 4…18.
    static func threshold(_ p: Int) -> Double {
        let t: [Double] = [10, 20, 40, 80, 220, 400, 900, 1800, 3100, 6500, 11500, 20000, 50000, 120000, 350000]
        return p - 4 < t.count ? t[p - 4] : 5 * Double(1 << p)
    }

    /// A stable 64-bit hash of a value: the same in every process and run (Swift's `Hashable` is
    /// seeded per process, so sketches built on different executors would not merge).
    @inlinable
    public static func hash<T: Encodable>(_ value: T) throws -> UInt64 {
        if let s = value as? String {
            var copy = s
            return FastHash.mix(copy.withUTF8 { FastHash.bytes(UnsafeRawBufferPointer($0)) })
        }
        let bytes = try BinaryEncoder().encode(value)
        return FastHash.mix(bytes.withUnsafeBytes { FastHash.bytes($0) })
    }
}

/// Natural logarithm without Foundation (series on the mantissa; for estimates only).
func logOf(_ x: Double) -> Double {
    guard x > 0 else { return -.infinity }
    let e = Double(x.exponent)
    let m = x.significand  // in [1, 2)
    // ln(m) = 2 atanh((m − 1) / (m + 1))
    let y = (m - 1) / (m + 1), y2 = y * y
    var term = y, sum = 0.0
    var k = 1.0
    while k < 60 {
        sum += term / k
        term *= y2
        k += 2
    }
    return 2 * sum + e * 0.693_147_180_559_945_3
}

/// Base-2 logarithm without Foundation.
func log2Of(_ x: Double) -> Double { logOf(x) / 0.693_147_180_559_945_3 }
