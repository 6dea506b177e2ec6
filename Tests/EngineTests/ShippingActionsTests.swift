import Engine
import Foundation
import Testing

/// The library's own counting and extreme actions run from portable task binaries (what
/// executors in other processes run) in every build, and agree with local mode.
@Suite struct ShippingActionsTests {
    func context(portable: Bool) throws -> EngineContext {
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.log.level", "error")
        if portable { conf.set("engine.test.portableTaskBinaries", "true") }
        return try EngineContext(master: "local[3]", appName: "actions", conf: conf)
    }

    @Test("countByValue, countByKey, max and min", arguments: Shape.small)
    func countsAndExtremes(_ shape: Shape) throws {
        let ints = randomInts(shape.count, in: -50...50, seed: 17)
        let words = ints.map { "w\($0 * $0 % 13)" }
        var expectedCounts: [Int: Int] = [:]
        for x in ints { expectedCounts[x, default: 0] += 1 }
        var expectedByKey: [String: Int] = [:]
        for w in words { expectedByKey[w, default: 0] += 1 }
        for portable in [true, false] {
            let ctx = try context(portable: portable)
            defer { ctx.stop() }
            let rdd = ctx.parallelize(ints, numSlices: shape.slices)
            #expect(try rdd.countByValue() == expectedCounts, "portable: \(portable)")
            let pairs = ctx.parallelize(Array(zip(words, ints)), numSlices: shape.slices)
            #expect(try pairs.countByKey() == expectedByKey, "portable: \(portable)")
            if ints.isEmpty {
                #expect(throws: EngineError.self) { try rdd.max() }
            } else {
                #expect(try rdd.max() == ints.max()! && rdd.min() == ints.min()!, "portable: \(portable)")
                let strings = ctx.parallelize(words, numSlices: shape.slices)
                #expect(try strings.max() == words.max()! && strings.min() == words.min()!)
            }
        }
    }

    @Test("top and takeOrdered, with and without an ordering", arguments: Shape.small)
    func ordered(_ shape: Shape) throws {
        let ints = randomInts(shape.count, in: -10_000...10_000, seed: 29)
        for portable in [true, false] {
            let ctx = try context(portable: portable)
            defer { ctx.stop() }
            let rdd = ctx.parallelize(ints, numSlices: shape.slices)
            for n in [0, 1, 5, shape.count + 3] {
                #expect(try rdd.top(n) == Array(ints.sorted(by: >).prefix(n)), "portable: \(portable), n \(n)")
                #expect(try rdd.takeOrdered(n) == Array(ints.sorted().prefix(n)), "portable: \(portable), n \(n)")
                // By absolute value, ties broken by value: a total order, so the answer is unique.
                let byMagnitude: @Sendable (Int, Int) -> Bool = { abs($0) != abs($1) ? abs($0) < abs($1) : $0 < $1 }
                #expect(try rdd.top(n, by: { abs($0) != abs($1) ? abs($0) < abs($1) : $0 < $1 })
                        == Array(ints.sorted { byMagnitude($1, $0) }.prefix(n)), "portable: \(portable), n \(n)")
            }
        }
    }
}
