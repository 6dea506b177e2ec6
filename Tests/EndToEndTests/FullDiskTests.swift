import Foundation
import Testing

/// A full disk, for the output or for shuffle files: the job fails with one line naming the
/// path and what to do, exit 1, and leaves nothing behind. Needs a small tmpfs, so it runs
/// only where this process may mount one (root on Linux); elsewhere it is skipped.
@Suite("a full disk is one clear line", .serialized)
struct FullDiskTests {
    /// Mounts a 256 KiB tmpfs at a new directory; nil when mounting is not allowed here.
    static func mountSmallDisk() -> String? {
        let dir = NSTemporaryDirectory() + "engine-full-\(UInt32.random(in: 0...UInt32.max))"
        guard (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil else {
            return nil
        }
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir]
        mount.standardError = FileHandle.nullDevice
        guard (try? mount.run()) != nil else { return nil }
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else {
            try? FileManager.default.removeItem(atPath: dir)
            return nil
        }
        return dir
    }

    static func unmount(_ dir: String) {
        let umount = Process()
        umount.executableURL = URL(fileURLWithPath: "/bin/umount")
        umount.arguments = [dir]
        try? umount.run()
        umount.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dir)
    }

    static let canMount: Bool = {
        guard let d = mountSmallDisk() else { return false }
        unmount(d)
        return true
    }()

    @Test("no room for the output or for shuffle files", .enabled(if: FullDiskTests.canMount, "needs to mount a tmpfs (root)"))
    func fullDisk() throws {
        let dir = try TemporaryDirectory("full-disk")
        defer { dir.remove() }
        // About 2 MB of text with 40 000 distinct words: its counts do not fit in 256 KiB.
        var text: [UInt8] = []
        for i in 0..<200_000 { text.append(contentsOf: Array("w\(i % 40_000) ".utf8)); if i % 10 == 9 { text.append(10) } }
        let input = try dir.write("in.txt", text)
        let disk = try #require(Self.mountSmallDisk())
        defer { Self.unmount(disk) }

        let out = disk + "/out"
        let run = try SubmitRun.run(["--master", "local[2]", "word-count", input, out], in: dir)
        #expect(run.status == 1, "\(run.transcript)")
        #expect(run.stderrLines.count == 1, "\(run.transcript)")
        #expect(run.stderrLines.first?.contains("No space left on device; free space") == true, "\(run.transcript)")
        #expect(!FileManager.default.fileExists(atPath: out), "a failed job removes its output directory")

        let out2 = dir.child("out2")
        let shuffle = try SubmitRun.run(["--master", "local[2]", "--conf", "engine.local.dir=\(disk)",
                                         "--conf", "engine.shuffle.compress=false", "word-count", input, out2], in: dir)
        #expect(shuffle.status == 1, "\(shuffle.transcript)")
        #expect(shuffle.stderrLines.count == 1, "\(shuffle.transcript)")
        #expect(shuffle.stderrLines.first?.contains("engine.local.dir") == true, "\(shuffle.transcript)")
        #expect(!FileManager.default.fileExists(atPath: out2 + "/_SUCCESS"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: disk))?.isEmpty == true,
                "the engine's local directory was removed")
    }
}
