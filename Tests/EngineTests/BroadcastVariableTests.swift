import Engine
import Foundation
import Testing

/// Looks records up in a broadcast table: how a broadcast travels to executors, as a field.
struct LookUp: MapFunction {
    var table: Broadcast<[String: Int]>
    func callAsFunction(_ key: String) throws -> Int { try table.value[key] ?? -1 }
}

/// Reads a large broadcast value inside tasks and sums a slice of it.
struct SliceSum: MapFunction {
    var data: Broadcast<[UInt8]>
    func callAsFunction(_ i: Int) throws -> Int {
        let bytes = try data.value
        let start = (i * 7919) % max(bytes.count, 1)
        return bytes[start..<min(bytes.count, start + 1000)].reduce(0) { $0 + Int($1) } + bytes.count
    }
}

@Suite("broadcast variables")
struct BroadcastVariableTests {
    @Test("a table read by every task", arguments: Master.both)
    func lookUps(_ master: Master) throws {
        let ctx = try master.context()
        defer { ctx.stop() }
        let table = Dictionary(uniqueKeysWithValues: (0..<500).map { ("k\($0)", $0 * 3) })
        let b = try ctx.broadcast(table)
        #expect(try b.value == table)
        let keys = (0..<2000).map { "k\($0 % 600)" }
        let got = try ctx.parallelize(keys, numSlices: 7).map(LookUp(table: b)).collect()
        #expect(got == keys.map { table[$0] ?? -1 })
        let empty = try ctx.broadcast([String: Int]())
        #expect(try ctx.parallelize(["a"], numSlices: 1).map(LookUp(table: empty)).collect() == [-1])
    }

    /// A value of several pieces (1 MB pieces, with and without compression and checksums)
    /// read by many tasks gives each the whole value.
    @Test(arguments: Master.both, [(true, true), (false, false)])
    func largeValue(_ master: Master, _ options: (compress: Bool, checksum: Bool)) throws {
        let (compress, checksum) = options
        let ctx = try master.context(conf: [
            "engine.broadcast.blockSize": "1m", "engine.broadcast.compress": "\(compress)",
            "engine.broadcast.checksum": "\(checksum)",
            "engine.broadcast.factory": compress ? "TorrentBroadcast" : "TorrentBroadcastFactory",
        ])
        defer { ctx.stop() }
        var rng = SeededRandom(seed: 77)
        let data = (0..<(4 << 20) + 3).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let b = try ctx.broadcast(data)
        // A [UInt8] travels as its own bytes: 4 MiB + 3 bytes in 1 MiB pieces.
        let pieces = 5
        #expect(b.pieceCount == pieces)
        #expect(b.checksums.count == (checksum ? pieces : 0))
        let expected = (0..<32).map { i -> Int in
            let start = (i * 7919) % data.count
            return data[start..<min(data.count, start + 1000)].reduce(0) { $0 + Int($1) } + data.count
        }
        #expect(try ctx.parallelize(Array(0..<32), numSlices: 16).map(SliceSum(data: b)).collect() == expected)
    }

    @Test func destroyedBroadcastsCannotBeUsed() throws {
        let ctx = try Master.cluster.context()
        defer { ctx.stop() }
        let b = try ctx.broadcast(["x": 1])
        b.unpersist()
        #expect(try ctx.parallelize(["x"], numSlices: 1).map(LookUp(table: b)).collect() == [1], "usable after unpersist")
        let line = #line + 1
        b.destroy()
        let message = "Attempted to use Broadcast(\(b.id)) after it was destroyed (destroy at BroadcastVariableTests.swift:\(line))"
        do {
            _ = try b.value
            Issue.record("a destroyed broadcast was read")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
        do {
            _ = try ctx.parallelize(["x"], numSlices: 1).map(LookUp(table: b)).collect()
            Issue.record("a job shipped a destroyed broadcast")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
        b.destroy()  // idempotent

        // An RDD recorded before the destroy: its job fails before any task runs.
        let c = try ctx.broadcast(["y": 2])
        let recorded = ctx.parallelize(["y", "z"], numSlices: 2).map(LookUp(table: c))
        #expect(try recorded.collect() == [2, -1])
        let destroyLine = #line + 1
        c.destroy()
        do {
            _ = try recorded.collect()
            Issue.record("a job used a destroyed broadcast")
        } catch {
            #expect("\(error)" == "Task not serializable: map at BroadcastVariableTests.swift:\(destroyLine - 3) uses a "
                    + "destroyed broadcast: Attempted to use Broadcast(\(c.id)) after it was destroyed (destroy at "
                    + "BroadcastVariableTests.swift:\(destroyLine))")
        }
    }

    @Test func aClosureCapturingABroadcastCannotTravel() throws {
        let ctx = try Master.cluster.context()
        defer { ctx.stop() }
        let b = try ctx.broadcast([1, 2, 3])
        do {
            _ = try ctx.parallelize([0, 1], numSlices: 1).map { try b.value[$0] }.collect()
            Issue.record("a capturing closure travelled")
        } catch {
            #expect("\(error)".hasPrefix("Task not serializable: map at BroadcastVariableTests.swift:"))
        }
        // In plain local mode it runs.
        let local = try Master.local.context()
        defer { local.stop() }
        let c = try local.broadcast([1, 2, 3])
        #expect(try local.parallelize([0, 2], numSlices: 2).map { try c.value[$0] }.collect() == [1, 3])
    }
}
