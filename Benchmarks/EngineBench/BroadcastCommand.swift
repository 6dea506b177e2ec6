import ArgumentParser
import Engine
import Foundation

/// Reads its broadcast in a task and returns the value's length (a checksum of a slice too,
/// so the read cannot be skipped).
struct ReadBroadcast: MapFunction {
    var blob: Broadcast<[UInt8]>
    func callAsFunction(_ i: Int) throws -> Int {
        let bytes = try blob.value
        let start = (i &* 104_729) % max(bytes.count, 1)
        return bytes.count &+ Int(bytes[start..<min(bytes.count, start + 64)].reduce(0) { $0 &+ UInt64($1) })
    }
}

/// `engine-bench broadcast`: a random, incompressible value of `--size` broadcast and read by
/// `--tasks` tasks; prints where the executors got its pieces.
struct BroadcastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broadcast",
        abstract: "Broadcast a random value and read it in tasks; print the bytes served by the driver and by peers.",
        discussion: """
            Prints one line: broadcast serialized_bytes=N driver_bytes=N peer_bytes=N fetches=N seconds=S \
            (serialized_bytes: the pieces' total size as stored; driver_bytes and peer_bytes: piece bytes \
            executors fetched from the driver and from one another; seconds: the job reading the value). \
            --driver-only measures the baseline in which every executor fetches every piece from the driver.
            """)

    @Option(help: "Master URL, e.g. local-cluster[4,1,1024].")
    var master = "local-cluster[4,1,1024]"

    @Option(help: "Size of the value (256m, 1g, …).")
    var size = "256m"

    @Option(help: "Number of tasks reading it.")
    var tasks = 16

    @Flag(help: "Executors fetch every piece from the driver (the baseline).")
    var driverOnly = false

    @Option(help: "A configuration key=value for the engine; repeatable.")
    var conf: [String] = []

    func validate() throws {
        guard SizeArgument(size) != nil else { throw ValidationError("--size \(size): expected a size such as 256m") }
        guard tasks >= 1 else { throw ValidationError("--tasks must be at least 1") }
        do { _ = try MasterURL.parse(master) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        var engineConf = EngineConf()
        engineConf.set(EngineKeys.logLevel.name, "warning")
        if driverOnly { engineConf.set("engine.test.broadcastFromDriverOnly", "true") }
        for pair in conf {
            guard let eq = pair.firstIndex(of: "=") else { throw ValidationError("--conf \(pair): expected key=value") }
            engineConf.set(String(pair[..<eq]), String(pair[pair.index(after: eq)...]))
        }
        let ctx = try EngineContext(master: master, appName: "broadcast-bench", conf: engineConf)
        defer { ctx.stop() }
        var rng = SystemRandomNumberGenerator()
        let count = SizeArgument(size)!.bytes
        var value = [UInt8](repeating: 0, count: count)
        value.withUnsafeMutableBytes { raw in
            var i = 0
            while i + 8 <= raw.count {
                raw.storeBytes(of: rng.next() as UInt64, toByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < raw.count { raw[i] = UInt8.random(in: 0...255, using: &rng); i += 1 }
        }
        let blob = try ctx.broadcast(value)
        let serialized = ctx.env.broadcastManager.storedPieceBytes(blob.id)
        let start = DispatchTime.now().uptimeNanoseconds
        let lengths = try ctx.parallelize(Array(0..<tasks), numSlices: tasks).map(ReadBroadcast(blob: blob)).collect()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard lengths.count == tasks, lengths.allSatisfy({ $0 >= count }) else {
            throw BenchError("a task read a value of the wrong size")
        }
        let m = ctx.lastJobSummary?.metrics ?? TaskMetrics()
        print("broadcast serialized_bytes=\(serialized) driver_bytes=\(m.broadcastBytesFromDriver) "
            + "peer_bytes=\(m.broadcastBytesFromPeers) fetches=\(m.broadcastBlocksFetched) seconds="
            + String(format: "%.2f", seconds))
    }
}
