import Engine
import Foundation
import Testing

/// A record of fields, as a user's own `with:` value.
struct FFSettings: Codable, Sendable {
    var offset: Int
    var label: String
}

/// `with:` takes one value or a tuple of 2 to 6, each `Codable & Sendable`; and a closure that
/// captures context is refused in cluster mode with one line naming the operation, the call site
/// and the `with:` form (in local mode it runs).
@Suite struct FunctionFormsWithValuesTests {
    @Test(arguments: Master.both)
    func everyTupleArityFromOneToSix(_ master: Master) throws {
        try withContext(master) { ctx in
            let data = ffData(500, seed: 9)
            let rdd = ctx.parallelize(data, numSlices: 4)
            let table = try ctx.broadcast(ffWeights)
            let acc = ctx.longAccumulator()
            let s = FFSettings(offset: 5, label: "x")
            #expect(try rdd.map(with: s) { s, x in x + s.offset }.collect() == data.map { $0 + 5 })
            #expect(try rdd.map(with: (s, 2)) { e, x in x * e.1 + e.0.offset }.collect() == data.map { $0 * 2 + 5 })
            #expect(try rdd.map(with: (s, 2, "y")) { e, x in "\(e.0.label)\(x * e.1)\(e.2)" }.collect()
                    == data.map { "x\($0 * 2)y" })
            #expect(try rdd.map(with: (s, 2, "y", 0.5)) { e, x in Double(x * e.1) * e.3 }.collect() == data.map { Double($0 * 2) * 0.5 })
            #expect(try rdd.map(with: (s, 2, "y", 0.5, table)) { e, x in try e.4.value[mod7(x)]! + e.0.offset }.collect()
                    == data.map { ffWeights[mod7($0)]! + 5 })
            #expect(try rdd.map(with: (s, 2, "y", 0.5, table, acc)) { e, x in
                e.5.add(1)
                return [e.0.label, e.2, "\(try e.4.value[mod7(x)]! * e.1)", "\(e.3)"].joined(separator: ",")
            }.collect() == data.map { "x,y,\(ffWeights[mod7($0)]! * 2),0.5" })
            #expect(acc.value == 500)
            // Optionals, arrays and dictionaries are values like any other.
            let extra: [String: [Int]] = ["a": [1, 2], "b": []]
            #expect(try rdd.filter(with: (extra, Int?.none, [3, 4])) { e, x in
                x % (e.0["a"]!.count + e.2.count) == (e.1 ?? 0)
            }.collect() == data.filter { $0 % 4 == 0 })
        }
    }

    /// A `with:` value whose type has no name another process can look up (declared inside a
    /// function) runs in local mode and is refused in cluster mode, naming the type.
    @Test(arguments: Master.both)
    func aValueOfALocalTypeIsRefusedInClusterMode(_ master: Master) throws {
        struct Local: Codable, Sendable { var k: Int }
        try withContext(master) { ctx in
            let rdd = ctx.parallelize(Array(0..<10), numSlices: 2)
            let job = { try rdd.map(with: Local(k: 1)) { l, x in x + l.k }.collect() }
            guard master == .cluster else {
                let out = try job()
                #expect(out == Array(1..<11))
                return
            }
            #expect {
                _ = try job()
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix("Task not serializable: map at FunctionFormsWithValuesTests.swift:")
                    && text.contains("Local") && text.contains("has no stable name")
            }
        }
    }

    /// A broadcast passed with `with:` and destroyed before the action fails the job in both
    /// masters; in cluster mode before any task runs, naming the operation and the destroy site.
    @Test(arguments: Master.both)
    func aDestroyedBroadcastPassedWithWithFailsTheJob(_ master: Master) throws {
        try withContext(master) { ctx in
            let table = try ctx.broadcast(ffWeights)
            let rdd = ctx.parallelize(Array(0..<50), numSlices: 2)
            let mapped = rdd.map(with: (1, table)) { e, x in try e.1.value[mod7(x)]! * e.0 }
            #expect(try mapped.collect() == (0..<50).map { ffWeights[mod7($0)]! })
            table.destroy()
            #expect {
                _ = try mapped.collect()
            } throws: { error in
                let text = "\(error)"
                return text.contains("Attempted to use Broadcast(\(table.id)) after it was destroyed (destroy at FunctionFormsWithValuesTests.swift:")
                    && (master == .local || text.hasPrefix("Task not serializable: map at FunctionFormsWithValuesTests.swift:"))
            }
        }
    }

    /// The README's "Passing values to functions" example, as written.
    @Test(arguments: Master.both)
    func readmeExampleRunsAsWritten(_ master: Master) throws {
        try withContext(master) { ctx in
            let text = ["the", "a", "cat", "the", "", "a"]
            let rdd = ctx.parallelize([1, 2, 3], numSlices: 2)
            let words = ctx.parallelize(text, numSlices: 3)
            let pairs = ctx.parallelize([("x", 1), ("y", 2), ("x", 3)], numSlices: 2)
            let threshold = 1

            // As in README.md:
            let doubled = rdd.map { $0 * 2 }
            let shifted = rdd.map(AddOffset(offset: 7))
            let table = try ctx.broadcast(["the": 0, "a": 1])
            let ids = words.map(with: (threshold, table)) { env, w in w.count >= env.0 ? try env.1.value[w] ?? -1 : -1 }
            let totals = pairs.reduceByKey(with: 2) { k, a, b in a + b * k }
            let seen = ctx.longAccumulator("seen")
            try words.foreach(with: seen) { seen, _ in seen.add(1) }

            #expect(try doubled.collect() == [2, 4, 6])
            #expect(try shifted.collect() == [8, 9, 10])
            #expect(try ids.collect() == [0, 1, -1, 0, -1, 1])
            #expect(Dictionary(uniqueKeysWithValues: try totals.collect()) == ["x": 7, "y": 2])
            #expect(seen.value == Int64(text.count))
        }
    }

    /// Refusals: the operation, `File.swift:LINE` and the `with:` form, on one line.
    func refused(_ master: Master, _ operation: String, line: Int, _ job: () throws -> Void) {
        guard master == .cluster else {
            #expect(throws: Never.self) { try job() }
            return
        }
        #expect {
            try job()
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("Task not serializable: \(operation) at FunctionFormsWithValuesTests.swift:\(line) captures context;")
                && text.contains("\(operation)(with: value) { value, … in … }") && !text.contains("\n")
        }
    }

    @Test(arguments: Master.both)
    func aCapturingClosureIsRefusedBeforeAnyTaskStartsNamingTheWithForm(_ master: Master) throws {
        try withContext(master) { ctx in
            let k = Int.random(in: 1...9)
            let rdd = ctx.parallelize(Array(0..<100), numSlices: 4)
            let pairs = rdd.map { ($0 % 3, $0) }
            _ = try pairs.count()
            let before = ctx.totalMetrics.recordsRead
            refused(master, "map", line: #line) { _ = try rdd.map { $0 + k }.count() }
            refused(master, "filter", line: #line) { _ = try rdd.filter { $0 > k }.count() }
            refused(master, "flatMap", line: #line) { _ = try rdd.flatMap { [$0, k] }.count() }
            refused(master, "keyBy", line: #line) { _ = try rdd.keyBy { $0 % k }.count() }
            refused(master, "mapPartitions", line: #line) { _ = try rdd.mapPartitions { $0.map { $0 + k } }.count() }
            refused(master, "mapValues", line: #line) { _ = try pairs.mapValues { $0 * k }.count() }
            refused(master, "flatMapValues", line: #line) { _ = try pairs.flatMapValues { [$0, k] }.count() }
            refused(master, "reduceByKey", line: #line) { _ = try pairs.reduceByKey { $0 + $1 + k }.count() }
            refused(master, "foldByKey", line: #line) { _ = try pairs.foldByKey(0) { $0 + $1 + k }.count() }
            refused(master, "aggregateByKey", line: #line) { _ = try pairs.aggregateByKey(0, { $0 + $1 + k }, +).count() }
            refused(master, "combineByKey", line: #line + 1) {
                _ = try pairs.combineByKey(createCombiner: { $0 + k }, mergeValue: +, mergeCombiners: +).count()
            }
            refused(master, "reduce", line: #line) { _ = try rdd.reduce { $0 + $1 + k } }
            refused(master, "fold", line: #line) { _ = try rdd.fold(0) { $0 + $1 + k } }
            refused(master, "aggregate", line: #line) { _ = try rdd.aggregate(0, { $0 + $1 + k }, +) }
            refused(master, "foreach", line: #line) { try rdd.foreach { if $0 == k * 1000 { throw EngineError.contextStopped } } }
            refused(master, "foreachPartition", line: #line) { try rdd.foreachPartition { _ = $0.contains(k) } }
            refused(master, "takeOrdered", line: #line) { _ = try rdd.takeOrdered(3, by: { $0 % k < $1 % k }) }
            refused(master, "top", line: #line) { _ = try rdd.top(3, by: { $0 % k < $1 % k }) }
            refused(master, "groupBy", line: #line) { _ = try rdd.groupBy { $0 % k }.count() }
            refused(master, "treeReduce", line: #line) { _ = try rdd.treeReduce { $0 + $1 + k } }
            refused(master, "reduceByKeyLocally", line: #line) { _ = try pairs.reduceByKeyLocally { $0 + $1 + k } }
            refused(master, "max", line: #line) { _ = try rdd.max { $0 % k < $1 % k } }
            refused(master, "min", line: #line) { _ = try rdd.min { $0 % k < $1 % k } }
            refused(master, "sortByKey", line: #line) { _ = try pairs.sortByKey(by: { $0 * k }).count() }
            // A with: closure must capture nothing too.
            refused(master, "map", line: #line) { _ = try rdd.map(with: 2) { two, x in x * two + k }.count() }
            if master == .cluster {
                // Nothing ran: the refused jobs read no records.
                #expect(ctx.totalMetrics.recordsRead == before)
            }
        }
    }
}
