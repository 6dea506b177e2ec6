/// The bucket boundaries of a histogram and how a value finds its bucket, as Spark's
/// DoubleRDDFunctions.histogram: buckets are `[b0, b1)`, `[b1, b2)`, …, the last one closed
/// `[bn-1, bn]`; values outside, and NaN unless the last boundary is NaN, fall in no bucket.
@usableFromInline
struct HistogramBuckets: Codable, Sendable {
    /// The boundaries, ascending.
    @usableFromInline var boundaries: [Double]
    /// True when the boundaries are evenly spaced, so a value's bucket is computed, not searched.
    @usableFromInline var evenlySpaced: Bool

    @inlinable
    init(boundaries: [Double], evenlySpaced: Bool) {
        self.boundaries = boundaries
        self.evenlySpaced = evenlySpaced
    }

    /// Why `boundaries` cannot be a histogram's buckets, if they cannot.
    @usableFromInline
    static func problem(_ boundaries: [Double]) -> String? {
        guard boundaries.count >= 2 else {
            return "histogram: buckets must have at least two boundaries, got \(boundaries.count)"
        }
        for i in 1..<boundaries.count where totalOrder(boundaries[i - 1], boundaries[i]) >= 0 {
            return "histogram: bucket boundaries must be sorted ascending without duplicates, "
                + "got \(boundaries[i - 1]) before \(boundaries[i])"
        }
        return nil
    }

    /// The bucket of `value`, or nil when it falls in none.
    @inlinable
    func bucket(of value: Double) -> Int? {
        let count = boundaries.count - 1
        if evenlySpaced, let first = boundaries.first, let last = boundaries.last {
            if value.isNaN || value < first || value > last { return nil }
            if last == first { return 0 }
            let span = last - first
            // A span too wide for a Double (or NaN boundaries) gives no position: search instead.
            if span.isFinite {
                let position = (value - first) / span * Double(count)
                if position.isFinite && position >= 0 { return Swift.min(Int(position), count - 1) }
            }
        }
        return searchedBucket(of: value)
    }

    /// The bucket by binary search in Java's total order of doubles (−0 before +0, NaN last), as
    /// Spark's `Arrays.binarySearch`: an exact match of the last boundary belongs to the last bucket.
    @inlinable
    func searchedBucket(of value: Double) -> Int? {
        var lo = 0, hi = boundaries.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let c = totalOrder(boundaries[mid], value)
            if c < 0 {
                lo = mid + 1
            } else if c > 0 {
                hi = mid - 1
            } else {
                return mid < boundaries.count - 1 ? mid : mid - 1
            }
        }
        return lo > 0 && lo < boundaries.count ? lo - 1 : nil
    }
}

/// Java's `Double.compare`: −1, 0 or 1, with −0.0 before 0.0 and every NaN equal and after +∞.
@inlinable
func totalOrder(_ a: Double, _ b: Double) -> Int {
    if a < b { return -1 }
    if a > b { return 1 }
    let x = a.isNaN ? Int64(bitPattern: 0x7FF8_0000_0000_0000) : Int64(bitPattern: a.bitPattern)
    let y = b.isNaN ? Int64(bitPattern: 0x7FF8_0000_0000_0000) : Int64(bitPattern: b.bitPattern)
    return x == y ? 0 : (x < y ? -1 : 1)
}
