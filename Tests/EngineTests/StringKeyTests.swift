import Engine
import Testing

/// Words with canonically equivalent spellings: é precomposed and decomposed, K and the Kelvin
/// sign, Å as a letter and as the Angstrom sign, each repeated unevenly (skew on "\u{E9}").
private func words(_ n: Int) -> [String] {
    let spellings = ["\u{E9}", "e\u{301}", "\u{E9}", "\u{E9}", "K", "\u{212A}", "f", "e", "\u{C5}", "\u{212B}", "A\u{30A}", "z"]
    return (0..<n).map { spellings[$0 * 7 % spellings.count] }
}

/// Word counts as Swift's dictionaries compute them (canonically equivalent words are one key).
private func swiftCounts(_ ws: [String]) -> [String: Int] { ws.reduce(into: [:]) { $0[$1, default: 0] += 1 } }

@Suite("String keys and canonical equivalence")
struct StringKeyTests {
    @Test(arguments: Master.both)
    func equivalentSpellingsAreOneKey(_ master: Master) throws {
        try withContext(master) { (ctx: EngineContext) throws in
            for n in [0, 1, 12, 5000] {
                let ws = words(n)
                let expected = swiftCounts(ws)
                let rdd = ctx.parallelize(ws, numSlices: 5)
                let counted = try rdd.map { ($0, 1) }.reduceByKey(numPartitions: 4, +).collect()
                #expect(counted.count == expected.count)
                #expect(Dictionary(counted, uniquingKeysWith: +) == expected)
                #expect(try rdd.map { ($0, 1) }.countByKey() == expected)
                #expect(try rdd.countByValue() == expected)
                #expect(Set(try rdd.distinct(numPartitions: 3).collect()) == Set(ws))
                #expect(try rdd.distinct(numPartitions: 3).count() == Set(ws).count)
                // A key spelled one way on one side joins the other spelling on the other side.
                let left = ctx.parallelize([("\u{E9}", 1), ("K", 2), ("x", 3)], numSlices: 2)
                let right = ctx.parallelize([("e\u{301}", "a"), ("\u{212A}", "b"), ("y", "c")], numSlices: 3)
                let joined = try left.join(right, numPartitions: 4).collect()
                #expect(joined.map { "\($0.1)" }.sorted() == ["(1, \"a\")", "(2, \"b\")"])
            }
        }
    }

    @Test(arguments: Master.both)
    func sortByKeyOrdersByATotalOrderThatAgreesWithEquality(_ master: Master) throws {
        try withContext(master) { (ctx: EngineContext) throws in
            let ws = words(3000)
            let sorted = try ctx.parallelize(ws.map { ($0, 1) }, numSlices: 6).sortByKey(numPartitions: 4)
            let keys = try sorted.collect().map(\.0)
            #expect(keys.count == ws.count)
            for i in keys.indices.dropFirst() { #expect(!(keys[i] < keys[i - 1])) }
            // Equivalent spellings come out next to each other, and within one partition.
            var classes: [String] = []
            for k in keys where classes.last != k { classes.append(k) }
            #expect(classes.count == Set(ws).count)
            let partitions = try sorted.keys().glom().collect()
            for word in Set(ws) {
                #expect(partitions.filter { $0.contains(word) }.count == 1)
            }
            // Swift's order, not Spark's UTF-16 order: é (either spelling) sorts after "f".
            #expect(keys.firstIndex(of: "e\u{301}")! > keys.lastIndex(of: "f")!)
            let descending = try ctx.parallelize(ws.map { ($0, 1) }, numSlices: 3).sortByKey(ascending: false).collect().map(\.0)
            for i in descending.indices.dropFirst() { #expect(!(descending[i - 1] < descending[i])) }
        }
    }

    @Test(arguments: Master.both)
    func byteStringKeysCompareBytesAsSparkDoes(_ master: Master) throws {
        try withContext(master) { (ctx: EngineContext) throws in
            let ws = words(600)
            let counted = try ctx.parallelize(ws, numSlices: 4).map { (ByteString($0), 1) }.reduceByKey(+).collect()
            var bySpelling: [[UInt8]: Int] = [:]
            for w in ws { bySpelling[Array(w.utf8), default: 0] += 1 }
            #expect(counted.count == bySpelling.count)
            #expect(counted.count > swiftCounts(ws).count)
            for (w, c) in counted { #expect(bySpelling[w.bytes] == c) }
        }
    }
}
