import Engine
import Foundation
import Testing

@Suite("pipe")
struct PipeTests {
    @Test(arguments: Master.both)
    func pipeRunsOneProcessPerPartition(_ master: Master) throws {
        try withContext(master) { ctx throws in
            for (n, slices) in [(0, 3), (2, 5), (30_000, 4)] {
                let data = randomInts(n, seed: 51)
                let rdd = ctx.parallelize(data, numSlices: slices)
                #expect(try rdd.pipe(["cat"]).collect() == data.map(String.init), "records in, lines out, in order")
                #expect(try rdd.pipe("tr - m").collect() == data.map { String($0).replacingOccurrences(of: "-", with: "m") })
                // One process per partition: `wc -l` prints each partition's count, even for an empty one.
                let counts = try rdd.pipe(["wc", "-l"]).collect().map { Int($0.trimmingCharacters(in: .whitespaces))! }
                #expect(counts == (0..<slices).map { sliceRange($0, count: n, slices: slices).count })
            }
            let words = ctx.parallelize(["a b", "c"], numSlices: 1)
            #expect(try words.pipe(["sh", "-c", "echo \"$PIPE_TEST_VAR\"; cat"], env: ["PIPE_TEST_VAR": "hello there"]).collect()
                        == ["hello there", "a b", "c"])
            // A command that stops reading early is not an error; its exit status decides.
            #expect(try ctx.parallelize(Array(0..<200_000), numSlices: 1).pipe(["head", "-n", "2"]).collect() == ["0", "1"])
            // A command that never reads its input ends cleanly; one that writes much to stderr does not block.
            #expect(try ctx.parallelize(Array(0..<200_000), numSlices: 2).pipe(["true"]).collect().isEmpty)
            #expect(try words.pipe(["sh", "-c", "head -c 3000000 /dev/zero >&2; cat"]).collect() == ["a b", "c"])
            // A last line without a line end is still a record.
            #expect(try words.pipe(["printf", "x\\ny"]).collect() == ["x", "y"])
        }
    }

    @Test(arguments: Master.both)
    func pipeFailuresAreOneClearError(_ master: Master) throws {
        try withContext(master) { ctx throws in
            let rdd = ctx.parallelize(Array(0..<10), numSlices: 2)
            expectEngineError(.jobFailed, mentioning: ["pipe", "no-such-command-xyz", "cannot run"]) {
                try rdd.pipe(["no-such-command-xyz", "arg"]).collect()
            }
            expectEngineError(.jobFailed, mentioning: ["pipe", "exited with status 3", "broken on purpose"]) {
                try rdd.pipe(["sh", "-c", "cat >/dev/null; echo broken on purpose >&2; exit 3"]).collect()
            }
            expectEngineError(.jobFailed, mentioning: ["exited with status 1"]) { try rdd.pipe("false").collect() }
            expectEngineError(.invalidArgument, mentioning: ["pipe", "empty"]) { try rdd.pipe([String]()).collect() }
            expectEngineError(.invalidArgument, mentioning: ["pipe", "empty"]) { try rdd.pipe("   ").collect() }
        }
    }
}
