import Foundation
import Testing

/// word-count with executors in other processes: local-cluster, engine://, executor loss.
@Suite("cluster mode through engine-submit", .serialized)
struct ClusterEndToEndTests {
    let wordCount = WordCountEndToEndTests()

    /// The concatenated part files of an output directory.
    func partBytes(_ dir: String) throws -> [UInt8] {
        let parts = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("part-") }.sorted()
        return parts.flatMap { Array(FileManager.default.contents(atPath: dir + "/" + $0) ?? Data()) }
    }

    @Test("local-cluster[3,1,512] gives the reference counts, byte-identical to local[4]")
    func localClusterMatchesLocal() throws {
        let dir = try TemporaryDirectory("wc-cluster")
        defer { dir.remove() }
        let bytes = SampleText.skewed(size: 6 << 20, seed: 21)
        let input = try dir.write("in.txt", bytes)
        let expected = ReferenceWordCount(bytes)
        let opts = ["--conf", "engine.files.blockSize=1m"]
        let scratch = dir.child("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let cluster = try wordCount.submitAndCheck(expected, input: input, master: "local-cluster[3,1,512]",
                                                   extraSubmitOptions: opts + ["--conf", "engine.local.dir=\(scratch)"],
                                                   jobOptions: ["--partitions", "4"], in: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch) == [],
                "the driver or an executor left its local directory behind")
        let local = try wordCount.submitAndCheck(expected, input: input, master: "local[4]",
                                                 extraSubmitOptions: opts, jobOptions: ["--partitions", "4"], in: dir)
        #expect(cluster != nil && local != nil)
        if let c = cluster, let l = local {
            #expect(try partBytes(c.directory) == partBytes(l.directory), "local-cluster and local[4] outputs differ")
        }
    }

    @Test("an empty input in local-cluster gives an empty result and _SUCCESS")
    func emptyInputCluster() throws {
        let dir = try TemporaryDirectory("wc-cluster-empty")
        defer { dir.remove() }
        let input = try dir.write("empty.txt", [])
        try wordCount.submitAndCheck(ReferenceWordCount([]), input: input, master: "local-cluster[2,1,512]", in: dir)
    }

    /// Kills (SIGKILL) or freezes (SIGSTOP: its heartbeats stop) one executor once it has
    /// finished a map task; the job must still give the reference counts, and the log must
    /// show the loss and the recomputation.
    @Test("an executor lost in the middle of the job", arguments: ["KILL", "STOP"])
    func executorLost(_ how: String) throws {
        let dir = try TemporaryDirectory("wc-cluster-loss")
        defer { dir.remove() }
        let bytes = SampleText.skewed(size: 16 << 20, seed: 5)
        let input = try dir.write("in.txt", bytes)
        let out = dir.child("out")
        let scratch = dir.child("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let run = try BackgroundRun([
            "--master", "local-cluster[3,1,512]", "--conf", "engine.log.level=info", "--conf", "engine.local.dir=\(scratch)",
            "--conf", "engine.files.blockSize=512k", "--conf", "engine.network.timeout=3s",
            "--conf", "engine.executor.heartbeatInterval=500ms", "word-count", input, out, "--partitions", "4",
        ], in: dir)
        // Once exec-2 holds a map output, so that losing it loses shuffle files.
        #expect(run.waitForLog("ms on executor exec-2", timeout: 120), "no task finished on exec-2:\n\(run.transcript)")
        let victims = run.executorProcesses()
        guard let pid = victims["exec-2"] else {
            Issue.record("executor exec-2 not found among \(victims):\n\(run.transcript)")
            _ = run.finish(timeout: 120)
            return
        }
        kill(pid, how == "KILL" ? SIGKILL : SIGSTOP)
        let status = run.finish(timeout: 300)
        if how == "STOP" { kill(pid, SIGKILL) }
        #expect(status == 0, "word-count failed after losing exec-2:\n\(run.transcript)")
        let log = run.stderrText
        #expect(log.contains("Lost executor exec-2"), "the loss is not logged:\n\(run.transcript)")
        if how == "STOP" { #expect(log.contains("no recent heartbeats"), "\(run.transcript)") }
        #expect(log.contains("will be recomputed"), "no recomputation logged:\n\(run.transcript)")
        guard status == 0 else { return }
        let saved = try SavedOutput(out)
        #expect(saved.hasSuccessMarker)
        if let diff = saved.difference(from: ReferenceWordCount(bytes).counts) { Issue.record("counts differ: \(diff)") }
        #expect(run.executorProcesses().isEmpty, "executor processes outlived the driver")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch) == [],
                "local directories left behind, the lost executor's included")
    }

    @Test("engine:// with no executor: one line naming the address and the command to start one")
    func noExecutors() throws {
        let dir = try TemporaryDirectory("wc-cluster-none")
        defer { dir.remove() }
        let input = try dir.write("in.txt", Array("a b c\n".utf8))
        let port = 20000 + Int.random(in: 0..<20000)
        let run = try SubmitRun.run(["--master", "engine://127.0.0.1:\(port)", "--conf", "engine.executor.registrationTimeout=1s",
                                     "word-count", input, dir.child("out")], in: dir, timeout: 60)
        #expect(run.status == 1, "\(run.transcript)")
        let lines = run.stderrLines.filter { !$0.isEmpty }
        #expect(lines.count == 1 && lines[0].contains("no executor registered") && lines[0].contains("--executor --driver"),
                "\(run.transcript)")
    }

    @Test("executor mode with bad arguments, or no driver listening: one line and exit 1",
          arguments: [["--executor", "--cores", "1", "--memory", "512"],
                      ["--executor", "--driver", "engine://127.0.0.1:1", "--cores", "0", "--memory", "512"],
                      ["--executor", "--driver", "nowhere", "--cores", "1", "--memory", "512"],
                      ["--executor", "--driver", "engine://127.0.0.1:1", "--cores", "1", "--memory", "512", "--bogus"],
                      ["--executor", "--driver", "engine://127.0.0.1:1", "--cores", "1", "--memory", "512"]])
    func badExecutorArguments(_ args: [String]) throws {
        let dir = try TemporaryDirectory("exec-args")
        defer { dir.remove() }
        let run = try BackgroundRun(args, in: dir, executable: BuildProducts.directory + "/word-count")
        let status = run.finish(timeout: 60)
        let lines = run.stderrText.split(separator: "\n")
        #expect(status == 1 && lines.count == 1, "\(run.transcript)")
        #expect(lines.first?.hasPrefix("word-count executor") == true, "\(run.transcript)")
    }

    /// An executor built differently (here: word-count with its build-id changed) must be
    /// refused at registration, with a message saying why.
    @Test("an executor of another build is refused")
    func otherBuildRefused() throws {
        let dir = try TemporaryDirectory("exec-build")
        defer { dir.remove() }
        var binary = Array(FileManager.default.contents(atPath: BuildProducts.directory + "/word-count") ?? Data())
        // The GNU build-id note: namesz 4, descsz 20, type 3 (NT_GNU_BUILD_ID), "GNU\0", then the id.
        let header: [UInt8] = [4, 0, 0, 0, 20, 0, 0, 0, 3, 0, 0, 0] + Array("GNU".utf8) + [0]
        guard let at = binary.indices.dropLast(header.count + 20).first(where: { i in
            binary[i] == 4 && Array(binary[i..<(i + header.count)]) == header
        }) else {
            Issue.record("no GNU build-id note in word-count")
            return
        }
        binary[at + header.count] ^= 0xff
        let other = try dir.write("word-count-other", binary)
        chmod(other, 0o755)
        let input = try dir.write("in.txt", Array("a b c\n".utf8))
        let port = 20000 + Int.random(in: 0..<20000)
        let driver = try BackgroundRun(["--master", "engine://127.0.0.1:\(port)", "--conf", "engine.executor.registrationTimeout=5s",
                                        "word-count", input, dir.child("out")], in: dir)
        usleep(500_000)
        let executor = try BackgroundRun(["--executor", "--driver", "engine://127.0.0.1:\(port)", "--cores", "1",
                                          "--memory", "512"], in: dir, executable: other)
        let executorStatus = executor.finish(timeout: 60)
        let driverStatus = driver.finish(timeout: 60)
        #expect(executorStatus == 1, "\(executor.transcript)")
        #expect(executor.stderrText.contains("refused") && executor.stderrText.contains("different build"),
                "\(executor.transcript)")
        #expect(driverStatus == 1, "the driver ran without executors:\n\(driver.transcript)")
    }

    /// `--storage-level MEMORY_AND_DISK_2`: each cached partition is copied to a second
    /// executor; losing an executor after the first action still gives the right counts.
    @Test("_2 storage levels replicate each cached partition to another executor")
    func replication() throws {
        let dir = try TemporaryDirectory("wc-cluster-repl")
        defer { dir.remove() }
        let bytes = SampleText.skewed(size: 4 << 20, seed: 9)
        let input = try dir.write("in.txt", bytes)
        let out = dir.child("out")
        let run = try BackgroundRun([
            "--master", "local-cluster[3,1,512]", "--conf", "engine.log.level=info", "word-count", input, out,
            "--partitions", "6", "--storage-level", "MEMORY_AND_DISK_2",
        ], in: dir)
        #expect(run.waitForLog("Job 0 finished", timeout: 120), "\(run.transcript)")
        if let pid = run.executorProcesses()["exec-1"] { kill(pid, SIGKILL) }
        let status = run.finish(timeout: 300)
        #expect(status == 0, "\(run.transcript)")
        let log = run.stderrText
        // The cached RDD's id is not fixed here: find it from the first replication line.
        let lines = log.split(separator: "\n").filter { $0.contains("Replicated rdd_") }
        for p in 0..<6 {
            #expect(lines.contains { $0.range(of: "Replicated rdd_[0-9]+_\(p) to exec-", options: .regularExpression) != nil },
                    "partition \(p) not replicated:\n\(lines.joined(separator: "\n"))")
        }
        // A replica goes to another executor than the one that cached the block.
        for line in lines {
            if let tag = line.range(of: "\\[exec-[0-9]+\\]", options: .regularExpression) {
                let owner = line[tag].dropFirst().dropLast()
                #expect(!line.hasSuffix("to \(owner)") && !line.contains("to \(owner) "), "\(line)")
            }
        }
        guard status == 0 else { return }
        let saved = try SavedOutput(out)
        if let diff = saved.difference(from: ReferenceWordCount(bytes).counts) { Issue.record("counts differ: \(diff)") }
    }

    @Test("a driver killed with SIGKILL leaves no executor process behind")
    func noOrphans() throws {
        let dir = try TemporaryDirectory("wc-cluster-orphans")
        defer { dir.remove() }
        let input = try dir.write("in.txt", SampleText.skewed(size: 8 << 20, seed: 3))
        let run = try BackgroundRun(["--master", "local-cluster[3,1,512]", "--conf", "engine.log.level=info",
                                     "word-count", input, dir.child("out")], in: dir)
        #expect(run.waitForLog("executors registered", timeout: 120), "\(run.transcript)")
        let executors = run.executorProcesses()
        #expect(executors.count == 3, "\(executors)")
        kill(run.process.processIdentifier, SIGKILL)
        _ = run.finish(timeout: 30)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && executors.values.contains(where: { kill($0, 0) == 0 && !isZombie($0) }) { usleep(50_000) }
        for (id, pid) in executors {
            #expect(kill(pid, 0) != 0 || isZombie(pid), "executor \(id) (process \(pid)) outlived its driver")
        }
    }

    /// True when `pid` has exited and waits to be reaped.
    func isZombie(_ pid: Int32) -> Bool {
        guard let stat = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return true }
        let text = String(decoding: stat, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return false }
        return text[text.index(close, offsetBy: 2)...].hasPrefix("Z")
    }

    /// TorrentBroadcast across processes: `engine-bench broadcast` in local-cluster. Each
    /// executor fetches each piece once; with peers, the driver serves little more than one
    /// copy; with --driver-only it serves one copy per executor.
    @Test("a broadcast fetched by every executor once, mostly from peers")
    func torrentBroadcast() throws {
        let dir = try TemporaryDirectory("bcast-cluster")
        defer { dir.remove() }
        let bench = BuildProducts.directory + "/engine-bench"
        func measure(_ extra: [String]) throws -> [String: Double]? {
            let run = try BackgroundRun(["broadcast", "--master", "local-cluster[3,1,512]", "--size", "6m", "--tasks", "9",
                                         "--conf", "engine.broadcast.blockSize=256k"] + extra, in: dir, executable: bench)
            let status = run.finish(timeout: 240)
            #expect(status == 0, "\(run.transcript)")
            let text = String(decoding: run.stdoutBytes, as: UTF8.self)
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("broadcast ") }) else {
                Issue.record("no result line:\n\(run.transcript)")
                return nil
            }
            var fields: [String: Double] = [:]
            for pair in line.split(separator: " ").dropFirst() {
                let kv = pair.split(separator: "=")
                if kv.count == 2 { fields[String(kv[0])] = Double(kv[1]) }
            }
            return fields
        }
        guard let torrent = try measure([]), let direct = try measure(["--driver-only"]) else { return }
        let serialized = try #require(torrent["serialized_bytes"])
        #expect(serialized >= Double(6 << 20), "a [UInt8] value is stored as its bytes at least")
        // 24 pieces and the metadata, fetched once by each of 3 executors.
        #expect(torrent["fetches"] == 75 && direct["fetches"] == 75, "\(torrent) \(direct)")
        #expect(abs((torrent["driver_bytes"] ?? 0) + (torrent["peer_bytes"] ?? 0) - 3 * serialized) < 3 * 1024)
        #expect((torrent["driver_bytes"] ?? .infinity) < 1.5 * serialized, "\(torrent)")
        #expect((direct["driver_bytes"] ?? 0) > 2.9 * serialized && direct["peer_bytes"] == 0, "\(direct)")
    }

    /// The broadcast-lookup example in local-cluster: a broadcast dictionary filters the words;
    /// after `unpersist()` the executors fetch it again; after `destroy()` the job fails before
    /// any task runs, naming the destroy call.
    @Test("broadcast-lookup: unpersist makes executors fetch again, destroy stops the next job")
    func broadcastLookup() throws {
        let dir = try TemporaryDirectory("bcast-lookup")
        defer { dir.remove() }
        let bytes = SampleText.skewed(size: 2 << 20, seed: 13)
        let input = try dir.write("in.txt", bytes)
        // The example's dictionary: the first 1000 distinct words, in file order.
        let words = bytes.split(whereSeparator: ReferenceWordCount.isSeparator).map { Array($0) }
        var dictionary = Set<[UInt8]>()
        for w in words where dictionary.count < 1000 { dictionary.insert(w) }
        let known = words.filter { dictionary.contains($0) }.count
        let run = try SubmitRun.run(["--master", "local-cluster[2,1,512]", "broadcast-lookup", input], in: dir)
        #expect(run.status == 0, "\(run.transcript)")
        let lines = run.stdoutLines.map { String(decoding: $0, as: UTF8.self) }
        #expect(lines.count == 6, "\(run.transcript)")
        guard lines.count == 6 else { return }
        #expect(lines[0] == "dictionary: \(dictionary.count)")
        #expect(lines[1] == "known words: \(known)" && lines[3] == "known words again: \(known)")
        // Each of 2 executors fetches the metadata and the one piece, and again after unpersist.
        #expect(lines[2] == "fetched: 4" && lines[4] == "fetched again: 4", "\(lines)")
        #expect(lines[5].hasPrefix("after destroy: Task not serializable: filter at main.swift:")
                && lines[5].contains("Attempted to use Broadcast(1) after it was destroyed (destroy at main.swift:"),
                "\(lines[5])")
    }
}
