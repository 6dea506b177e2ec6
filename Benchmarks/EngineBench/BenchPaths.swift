import Foundation

/// Where engine-bench finds its neighbours and its inputs.
enum BenchPaths {
    /// The directory of this binary (from /proc/self/exe on Linux).
    static func ownDirectory() -> String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return (path as NSString).deletingLastPathComponent
        }
        #endif
        let url = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return url.resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    /// The package root: the nearest directory above this binary holding Package.swift,
    /// else the current directory.
    static func packageRoot() -> String {
        var dir = ownDirectory()
        while dir != "/" && !dir.isEmpty {
            if FileManager.default.fileExists(atPath: dir + "/Package.swift") { return dir }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return FileManager.default.currentDirectoryPath
    }

    /// The input's data files: the file itself, or a directory's visible regular files
    /// (names starting with `.` or `_` are skipped, as the engine's text input does).
    static func inputFiles(_ input: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw BenchError("input \(input) does not exist: generate one with 'engine-bench gen \(input) 1G'")
        }
        guard isDirectory.boolValue else { return [input] }
        return try FileManager.default.contentsOfDirectory(atPath: input).sorted()
            .filter { !$0.hasPrefix(".") && !$0.hasPrefix("_") }
            .map { input + "/" + $0 }
    }

    /// Reads every input file once, so the timed run finds them in the page cache.
    /// Returns the total size in bytes.
    @discardableResult
    static func warmPageCache(_ files: [String]) throws -> Int64 {
        var total: Int64 = 0
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 8 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        for file in files {
            let fd = open(file, O_RDONLY)
            guard fd >= 0 else { throw BenchError("cannot read \(file): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            while true {
                let n = read(fd, buffer, 8 << 20)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { break }
                total += Int64(n)
            }
        }
        return total
    }
}
