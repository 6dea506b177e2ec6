// swift-tools-version: 6.1
import PackageDescription

/// The engine: a Spark-like job engine for Swift.
/// Import order (no target imports one above it in this list):
/// engine-submit, examples → Engine → Runtime → Scheduler → Broadcast → Storage → CLZ4 / Threads;
/// Engine also links CZlib (gzip) and CLZ4 (lz4 frames) itself, for compressed text files.
/// Runtime is the only importer of Network (→ CLibUV, Threads). Threads (the one set of concurrency
/// primitives: ConditionLock, Latch, BlockingQueue, OSThread) imports nothing of the engine.
let package = Package(
    name: "swift-engine",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Engine", targets: ["Engine"]),
        .executable(name: "engine-submit", targets: ["engine-submit"]),
        .executable(name: "word-count", targets: ["word-count"]),
        .executable(name: "broadcast-lookup", targets: ["broadcast-lookup"]),
        .executable(name: "engine-bench", targets: ["engine-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // `swift package generate-documentation` (scripts/docs.sh); a plugin only, not linked into anything.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CLibUV", path: "Sources/CLibUV", pkgConfig: "libuv",
            providers: [.apt(["libuv1-dev"])]),
        .target(name: "CShims"),
        .target(name: "Threads"),
        .target(name: "Network", dependencies: ["CLibUV", "Threads", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Storage",
            dependencies: ["CLZ4", "Threads", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Broadcast", dependencies: ["Storage"]),
        .target(
            name: "Scheduler",
            dependencies: [
                "Broadcast", "Storage", "Threads", .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Runtime",
            dependencies: [
                "Scheduler", "Broadcast", "Storage", "Network", "Threads", "CShims", .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Engine",
            dependencies: [
                "Runtime", "Scheduler", "Broadcast", "Storage", "Threads", "CShims", "CLZ4", "CZlib",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "engine-submit",
            dependencies: ["Engine", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "word-count", dependencies: ["Engine"], path: "Examples/WordCount"),
        .executableTarget(name: "broadcast-lookup", dependencies: ["Engine"], path: "Examples/BroadcastLookup"),
        .executableTarget(
            name: "engine-bench",
            dependencies: ["Engine", "Storage", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/EngineBench"),
        .testTarget(name: "ThreadsTests", dependencies: ["Threads"]),
        .testTarget(name: "NetworkTests", dependencies: ["Network", "Threads"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Broadcast"]),
        .testTarget(name: "SchedulerTests", dependencies: ["Scheduler", "Storage", "Broadcast", "Threads"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Scheduler", "Storage", "Broadcast", "Network"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine"]),
        // Depends on the executables so that `swift test` builds them: the tests run them.
        .testTarget(name: "EndToEndTests", dependencies: ["Engine", "engine-submit", "word-count", "engine-bench", "broadcast-lookup"]),
    ],
    swiftLanguageModes: [.v6]
)
