import Foundation

/// Where the built executables are: the directory of the running test binary (SwiftPM puts
/// `swift-enginePackageTests.xctest` next to `engine-submit` and `word-count`), or
/// `ENGINE_BIN_DIR` when set, or `.build/debug` of the package.
enum BuildProducts {
    static let directory: String = {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["ENGINE_BIN_DIR"], !dir.isEmpty { return dir }
        var candidates: [String] = []
        #if os(Linux)
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append((exe as NSString).deletingLastPathComponent)
        }
        #endif
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append((bundle.bundlePath as NSString).deletingLastPathComponent)
        }
        candidates.append((packageRoot() as NSString).appendingPathComponent(".build/debug"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/engine-submit") }
            ?? candidates.last!
    }()

    /// The built engine-submit.
    static var engineSubmit: String { directory + "/engine-submit" }

    /// The package root, found from this source file's path.
    static func packageRoot() -> String {
        var dir = (#filePath as NSString).deletingLastPathComponent
        while dir != "/" && !FileManager.default.fileExists(atPath: dir + "/Package.swift") {
            dir = (dir as NSString).deletingLastPathComponent
        }
        return dir
    }
}
