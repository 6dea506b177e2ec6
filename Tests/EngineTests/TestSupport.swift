import Engine
import Foundation
import Scheduler
import Synchronization
import Testing

/// A seeded generator (SplitMix64) so that every test's random data is reproducible.
/// Written here rather than borrowed from the engine, so expected values do not share its code.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A data set's size and the partition count it is parallelized over.
struct Shape: Sendable, CustomTestStringConvertible {
    let count: Int
    let slices: Int
    var testDescription: String { "\(count) records in \(slices) slices" }

    /// Empty, one record, more partitions than records, uneven slices, one slice, and a mid-size input.
    static let small: [Shape] = [
        Shape(count: 0, slices: 4), Shape(count: 1, slices: 3), Shape(count: 3, slices: 8),
        Shape(count: 1000, slices: 7), Shape(count: 517, slices: 1), Shape(count: 20_000, slices: 5),
    ]
    /// `small` plus a 200k-record input.
    static let withLarge: [Shape] = small + [Shape(count: 200_000, slices: 8)]
}

/// Random integers in `range`.
func randomInts(_ count: Int, in range: ClosedRange<Int> = -1_000_000...1_000_000, seed: UInt64) -> [Int] {
    var rng = SeededRandom(seed: seed)
    return (0..<count).map { _ in Int.random(in: range, using: &rng) }
}

/// Key/value pairs with keys in `0..<keys`; with `skewed`, key 7 holds about 80% of the records.
func randomPairs(_ count: Int, keys: Int = 100, skewed: Bool = false, seed: UInt64) -> [(Int, Int)] {
    var rng = SeededRandom(seed: seed)
    return (0..<count).map { _ in
        let k = skewed && Double.random(in: 0..<1, using: &rng) < 0.8 ? 7 : Int.random(in: 0..<keys, using: &rng)
        return (k, Int.random(in: -1000...1000, using: &rng))
    }
}

/// A pair as a value, so that arrays of pairs compare and sort.
struct KV<K: Hashable & Comparable, V: Hashable & Comparable>: Hashable, Comparable, CustomStringConvertible {
    let k: K
    let v: V
    init(_ p: (K, V)) {
        k = p.0
        v = p.1
    }
    static func < (a: KV, b: KV) -> Bool { (a.k, a.v) < (b.k, b.v) }
    var description: String { "(\(k), \(v))" }
}

func sortedPairs<K: Hashable & Comparable & SendableMetatype, V: Hashable & Comparable & SendableMetatype>(_ pairs: [(K, V)]) -> [KV<K, V>] {
    pairs.map(KV.init).sorted()
}

/// The record indices of slice `i` when `n` records are cut into `k` slices, as Spark's parallelize cuts them.
func sliceRange(_ i: Int, count n: Int, slices k: Int) -> Range<Int> { (i * n / k)..<((i + 1) * n / k) }

/// Runs `body` with a fresh local context (quiet logs, no environment), stopping it afterwards.
func withContext(_ master: String = "local[4]", conf extra: [String: String] = [:],
                 _ body: (EngineContext) throws -> Void) throws {
    var conf = EngineConf(loadEnvironment: false)
    conf.set("engine.log.level", "warning")
    for (k, v) in extra { conf.set(k, v) }
    let ctx = try EngineContext(master: master, appName: "engine-tests", conf: conf)
    defer { ctx.stop() }
    try body(ctx)
}

/// Every shuffle dependency in `node`'s lineage, once each.
func shuffleDependencies(_ node: any LineageNode) -> [ShuffleDependencyBase] {
    var seen = Set<Int>()
    var out: [ShuffleDependencyBase] = []
    func walk(_ n: any LineageNode) {
        for d in n.lineageDependencies {
            switch d {
            case .narrow(let parent): walk(parent)
            case .shuffle(let s):
                if seen.insert(s.shuffleId).inserted { out.append(s) }
                walk(s.mapSide)
            }
        }
    }
    walk(node)
    return out
}

/// True when `node`'s own dependencies are all narrow.
func hasOnlyNarrowDependencies(_ node: any LineageNode) -> Bool {
    node.lineageDependencies.allSatisfy { if case .narrow = $0 { true } else { false } }
}

/// Counts per key, shared with task closures.
final class Counters: Sendable {
    private let counts = Mutex<[Int: Int]>([:])
    /// Adds `n` to `key`'s count and returns the new count.
    @discardableResult
    func add(_ key: Int, _ n: Int = 1) -> Int {
        counts.withLock { c in
            c[key, default: 0] += n
            return c[key]!
        }
    }
    subscript(key: Int) -> Int { counts.withLock { $0[key, default: 0] } }
    var all: [Int: Int] { counts.withLock { $0 } }
}

/// An error a test's task throws on purpose.
struct InjectedFailure: Error, CustomStringConvertible {
    let tag: String
    var description: String { "injected failure \(tag)" }
}

/// A fresh empty directory under the temporary directory; the caller removes it.
func makeTempDir(_ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("engine-tests-\(safe)-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Every path (relative) under `dir`, recursively.
func allPaths(under dir: String) -> [String] {
    (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).sorted()
}
