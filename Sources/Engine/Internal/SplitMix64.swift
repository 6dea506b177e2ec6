/// A small, fast, seedable random generator (SplitMix64), so that sampling is
/// reproducible for a seed whatever thread runs the task.
@usableFromInline
struct SplitMix64: RandomNumberGenerator {
    @usableFromInline var state: UInt64

    @inlinable init(seed: UInt64) { state = seed }

    @inlinable
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    @inlinable
    mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A Poisson-distributed count with the given mean (Knuth's method; means here are small).
    /// The mean is finite: `sample` refuses an infinite fraction.
    @inlinable
    mutating func nextPoisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 30 {
            // Normal approximation keeps large means cheap.
            let u1 = max(nextDouble(), 1e-300), u2 = nextDouble()
            let z = (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
            return max(0, Int((mean + z * mean.squareRoot()).rounded()))
        }
        let l = _exp(-mean)
        var k = 0
        var p = 1.0
        repeat {
            k += 1
            p *= nextDouble()
        } while p > l
        return k - 1
    }
}

import Foundation

@usableFromInline func _log(_ x: Double) -> Double { Foundation.log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Foundation.cos(x) }
@usableFromInline func _exp(_ x: Double) -> Double { Foundation.exp(x) }
