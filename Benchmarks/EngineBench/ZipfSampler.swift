/// Draws ranks 0..<n with P(rank r+1) ∝ 1 / (r+1)^s in O(1) per draw (Vose's alias method).
struct ZipfSampler {
    private let probability: [Double]
    private let alias: [Int32]

    init(count n: Int, exponent s: Double) {
        precondition(n >= 1)
        var weights = (1...n).map { 1 / pow(Double($0), s) }
        let total = weights.reduce(0, +)
        for i in weights.indices { weights[i] *= Double(n) / total }
        var probability = [Double](repeating: 1, count: n)
        var alias = [Int32](repeating: 0, count: n)
        var small: [Int] = [], large: [Int] = []
        for (i, w) in weights.enumerated() { if w < 1 { small.append(i) } else { large.append(i) } }
        while let l = small.popLast(), let g = large.last {
            probability[l] = weights[l]
            alias[l] = Int32(g)
            weights[g] -= 1 - weights[l]
            if weights[g] < 1 { large.removeLast(); small.append(g) }
        }
        // Leftovers are 1 up to rounding.
        for i in small + large { probability[i] = 1; alias[i] = Int32(i) }
        self.probability = probability
        self.alias = alias
    }

    @inline(__always)
    func sample(_ rng: inout RandomSource) -> Int {
        let column = rng.below(probability.count)
        return rng.unit() < probability[column] ? column : Int(alias[column])
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
