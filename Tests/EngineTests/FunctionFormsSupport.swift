import Engine
import Foundation
import Testing

// Named Codable function types for the function-form tests (form 2). Declared at file scope so that
// their names resolve in another process; their fields are the state they need.

/// `x * factor`.
struct FFScale: MapFunction {
    var factor: Int
    func callAsFunction(_ x: Int) -> Int { x * factor }
}

/// `[x, x * factor]`.
struct FFTwice: FlatMapFunction {
    var factor: Int
    func callAsFunction(_ x: Int) -> [Int] { [x, x * factor] }
}

/// Multiples of `of`.
struct FFMultipleOf: FilterFunction {
    var of: Int
    func callAsFunction(_ x: Int) -> Bool { x % of == 0 }
}

/// Each partition's sum plus `offset`, as a one-record partition.
struct FFPartitionSum: MapPartitionsFunction {
    var offset: Int
    func callAsFunction(_ it: PartitionIterator<Int>) -> [Int] { [it.reduce(offset, +)] }
}

/// Each record times `factor` plus the partition index.
struct FFIndexed: MapPartitionsWithIndexFunction {
    var factor: Int
    func callAsFunction(_ p: Int, _ it: PartitionIterator<Int>) -> [Int] { it.map { $0 * factor + p } }
}

/// `a + b` (an identity-respecting sum), with a count of its calls.
struct FFSum: ReduceFunction {
    var calls: LongAccumulator
    func callAsFunction(_ a: Int, _ b: Int) -> Int {
        calls.add(1)
        return a + b
    }
}

/// `partial + x * weight`.
struct FFWeightedAdd: SeqOpFunction {
    var weight: Int
    func callAsFunction(_ partial: Int, _ x: Int) -> Int { partial + x * weight }
}

/// `[v]`, `c + [v]`, `c + d`: combineByKey's three functions for lists.
struct FFSingleton: MapFunction {
    func callAsFunction(_ v: Int) -> [Int] { [v] }
}
struct FFAppend: SeqOpFunction {
    func callAsFunction(_ c: [Int], _ v: Int) -> [Int] { c + [v] }
}
struct FFConcat: ReduceFunction {
    func callAsFunction(_ a: [Int], _ b: [Int]) -> [Int] { a + b }
}

/// Adds each record to `sum`.
struct FFAddTo: ForeachFunction {
    var sum: LongAccumulator
    func callAsFunction(_ x: Int) { sum.add(x) }
}

/// Adds each partition's record count to `count`.
struct FFCountPartition: ForeachPartitionFunction {
    var count: LongAccumulator
    func callAsFunction(_ it: PartitionIterator<Int>) { count.add(it.reduce(0) { n, _ in n + 1 }) }
}

/// Orders by distance to `pivot`, then by value.
struct FFByDistance: OrderingFunction {
    var pivot: Int
    func callAsFunction(_ a: Int, _ b: Int) -> Bool { (abs(a - pivot), a) < (abs(b - pivot), b) }
}

/// `x` modulo 7, in 0..<7 for negative `x` too (a free function: closures that call it capture nothing).
func mod7(_ x: Int) -> Int { ((x % 7) + 7) % 7 }

/// The weights the tests broadcast: key `k` in 0..<7 weighs `10 k + 1`.
let ffWeights: [Int: Int] = Dictionary(uniqueKeysWithValues: (0..<7).map { ($0, $0 * 10 + 1) })

/// Skewed integers with negatives: about half the records are 7, the rest in -1000...1000.
func ffData(_ count: Int, seed: UInt64) -> [Int] {
    var rng = SeededRandom(seed: seed)
    return (0..<count).map { _ in Bool.random(using: &rng) ? 7 : Int.random(in: -1000...1000, using: &rng) }
}

/// Slice i of `parallelize(data, numSlices: n)`, computed here.
func ffSlices<T>(_ data: [T], _ n: Int) -> [[T]] {
    (0..<n).map { i in Array(data[(i * data.count / n)..<((i + 1) * data.count / n)]) }
}

/// Sum over partitions of the number of distinct keys in each, and the number of distinct keys.
func ffDistinctKeys(_ pairs: [(Int, Int)], slices n: Int) -> (perPartition: Int, overall: Int) {
    (ffSlices(pairs, n).map { Set($0.map(\.0)).count }.reduce(0, +), Set(pairs.map(\.0)).count)
}

/// The sizes the function-form tests run on: empty, one record, fewer records than slices, skewed.
let ffSizes: [(count: Int, slices: Int)] = [(0, 3), (1, 2), (3, 5), (2000, 5)]
