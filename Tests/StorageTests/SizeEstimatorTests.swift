import Foundation
import Testing
@testable import Storage

/// glibc's `mallinfo2`, looked up at run time: the Glibc module does not import
/// `<malloc.h>` and this test target has no C shim. `struct mallinfo2` is ten `size_t`
/// (80 bytes), so on x86-64 System V it is returned through a hidden pointer passed as
/// the first argument (and echoed in rax): callable as `(buffer) -> buffer`.
private let mallinfo2Fn: (@convention(c) (UnsafeMutableRawPointer) -> UnsafeMutableRawPointer)? = {
    #if arch(x86_64) && os(Linux)
    guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallinfo2") else { return nil }
    return unsafeBitCast(sym, to: (@convention(c) (UnsafeMutableRawPointer) -> UnsafeMutableRawPointer).self)
    #else
    return nil
    #endif
}()

/// Bytes glibc has handed out, all arenas: `uordblks` (field 7) + mmapped `hblkhd` (field 4).
private func heapInUse() -> Int64 {
    let fields = UnsafeMutablePointer<Int>.allocate(capacity: 10)
    defer { fields.deallocate() }
    fields.initialize(repeating: 0, count: 10)
    _ = mallinfo2Fn!(UnsafeMutableRawPointer(fields))
    return Int64(fields[7]) + Int64(fields[4])
}

/// Measures the heap a structure really takes: allocated bytes after building it minus
/// before, the median of five builds (other tests allocate concurrently). The result
/// of `build` is kept alive until measured, then compared to the estimate.
private func measure<T>(_ build: () -> T) -> (truth: Int64, estimate: Int64) {
    var samples: [(Int64, Int64)] = []
    for _ in 0..<5 {
        let before = heapInUse()
        let value = build()
        let after = heapInUse()
        let est = SizeEstimator.heapSize(value)
        samples.append((after - before, est))
        withExtendedLifetime(value) {}
    }
    samples.sort { $0.0 < $1.0 }
    return samples[2]
}

/// A fresh (heap) string of `n` ASCII letters, built at run time so it is not a literal.
private func word(_ n: Int, _ rng: inout SplitMix64) -> String {
    String(decoding: (0..<n).map { _ in UInt8.random(in: 97...122, using: &rng) }, as: UTF8.self)
}

@Test func stringEstimateMatchesSwiftLayout() {
    var rng = SplitMix64(seed: 1)
    #expect(SizeEstimator.heapSize(word(15, &rng)) == 0)  // small strings are inline
    #expect(SizeEstimator.heapSize(word(16, &rng)) == 64)  // malloc(49) → 64-byte chunk
    #expect(SizeEstimator.estimate(word(3, &rng)) == 16)
    #expect(SizeEstimator.heapSize([Int](repeating: 1, count: 100)) == SizeEstimator.mallocSize(32 + 800))
    #expect(SizeEstimator.heapSize([Int]()) == 0)
}

/// The measured tests, one at a time so they do not count each other's allocations.
/// malloc's counters are process-wide: other tests allocating at the same time would spoil the
/// truth, so these run only in a `swift test` of their own (`ENGINE_MALLOC_TESTS=1`, as
/// scripts/test.sh does after the main run).
@Suite(.serialized, .enabled(if: mallinfo2Fn != nil && ProcessInfo.processInfo.environment["ENGINE_MALLOC_TESTS"] == "1",
                             "needs ENGINE_MALLOC_TESTS=1 and a run of its own"))
struct SizeEstimatorAgainstMalloc {
@Test func stringsAreEstimatedWithinTwoTimes() {
    var rng = SplitMix64(seed: 2)
    let lengths = (0..<60_000).map { _ in Int.random(in: 16...200, using: &rng) }
    let r = measure { () -> [String] in
        var g = SplitMix64(seed: 3)
        var out: [String] = []
        out.reserveCapacity(lengths.count)
        for n in lengths { out.append(word(n, &g)) }
        return out
    }
    #expect(r.truth > 5_000_000)
    #expect(Double(r.estimate) >= Double(r.truth) / 2 && Double(r.estimate) <= Double(r.truth) * 2,
            "estimate \(r.estimate) vs measured \(r.truth)")
}

@Test func arraysOfStringsAreEstimatedWithinTwoTimes() {
    let r = measure { () -> [[String]] in
        var g = SplitMix64(seed: 4)
        return (0..<5_000).map { i in (0..<(i % 20 + 1)).map { _ in word(Int.random(in: 1...80, using: &g), &g) } }
    }
    #expect(r.truth > 2_000_000)
    #expect(Double(r.estimate) >= Double(r.truth) / 2 && Double(r.estimate) <= Double(r.truth) * 2,
            "estimate \(r.estimate) vs measured \(r.truth)")
}

@Test func dictionariesOfStringsAreEstimatedWithinTwoTimes() {
    let r = measure { () -> [String: [String]] in
        var g = SplitMix64(seed: 5)
        var d: [String: [String]] = [:]
        for i in 0..<40_000 {
            d["key-\(i)-" + word(Int.random(in: 0...40, using: &g), &g)] = (0..<(i % 4)).map { _ in word(30, &g) }
        }
        return d
    }
    #expect(r.truth > 3_000_000)
    #expect(Double(r.estimate) >= Double(r.truth) / 2 && Double(r.estimate) <= Double(r.truth) * 2,
            "estimate \(r.estimate) vs measured \(r.truth)")
    let flat = measure { () -> [String: String] in
        var g = SplitMix64(seed: 6)
        var d: [String: String] = [:]
        for i in 0..<60_000 { d["k\(i)"] = word(Int.random(in: 10...60, using: &g), &g) }
        return d
    }
    #expect(Double(flat.estimate) >= Double(flat.truth) / 2 && Double(flat.estimate) <= Double(flat.truth) * 2,
            "estimate \(flat.estimate) vs measured \(flat.truth)")
}

}

final class Node { let name: String; var children: [Node] = []; init(_ n: String) { name = n } }

@Test func sharedInstancesAreCountedOnce() {
    let shared = Node(String(repeating: "x", count: 100) + "\(Int.random(in: 0...9))")
    let one = SizeEstimator.heapSize([shared])
    let many = SizeEstimator.heapSize([shared, shared, shared])
    // Three references add two array slots (8 bytes each), not two more instances.
    #expect(many - one <= 32)
    #expect(one >= SizeEstimator.stringHeap(shared.name) + 32)
}
