import Engine
import Foundation
import Testing

/// The library's own counting and extreme actions, in both masters.
@Suite struct ShippingActionsTests {
    @Test("countByValue, countByKey, max and min", arguments: Master.both, Shape.small)
    func countsAndExtremes(_ master: Master, _ shape: Shape) throws {
        let ints = randomInts(shape.count, in: -50...50, seed: 17)
        let words = ints.map { "w\($0 * $0 % 13)" }
        var expectedCounts: [Int: Int] = [:]
        for x in ints { expectedCounts[x, default: 0] += 1 }
        var expectedByKey: [String: Int] = [:]
        for w in words { expectedByKey[w, default: 0] += 1 }
        do {
            let ctx = try master.context()
            defer { ctx.stop() }
            let rdd = ctx.parallelize(ints, numSlices: shape.slices)
            #expect(try rdd.countByValue() == expectedCounts)
            let pairs = ctx.parallelize(Array(zip(words, ints)), numSlices: shape.slices)
            #expect(try pairs.countByKey() == expectedByKey)
            if ints.isEmpty {
                #expect(throws: EngineError.self) { try rdd.max() }
            } else {
                #expect(try rdd.max() == ints.max()! && rdd.min() == ints.min()!)
                let strings = ctx.parallelize(words, numSlices: shape.slices)
                #expect(try strings.max() == words.max()! && strings.min() == words.min()!)
            }
        }
    }

    @Test("top and takeOrdered, with and without an ordering", arguments: Master.both, Shape.small)
    func ordered(_ master: Master, _ shape: Shape) throws {
        let ints = randomInts(shape.count, in: -10_000...10_000, seed: 29)
        do {
            let ctx = try master.context()
            defer { ctx.stop() }
            let rdd = ctx.parallelize(ints, numSlices: shape.slices)
            for n in [0, 1, 5, shape.count + 3] {
                #expect(try rdd.top(n) == Array(ints.sorted(by: >).prefix(n)), "n \(n)")
                #expect(try rdd.takeOrdered(n) == Array(ints.sorted().prefix(n)), "n \(n)")
                // By absolute value, ties broken by value: a total order, so the answer is unique.
                let byMagnitude: @Sendable (Int, Int) -> Bool = { abs($0) != abs($1) ? abs($0) < abs($1) : $0 < $1 }
                #expect(try rdd.top(n, by: { abs($0) != abs($1) ? abs($0) < abs($1) : $0 < $1 })
                        == Array(ints.sorted { byMagnitude($1, $0) }.prefix(n)), "n \(n)")
            }
        }
    }
}
