import Engine
import Foundation
import Testing

/// The two masters every API test runs in, from one source: `@Test(arguments: Master.both)`.
///
/// `.local` is `local[4]`. `.cluster` is `local-cluster[2,1,512]`: executors in other processes,
/// so every function travels as it does for a user's job.
enum Master: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case local
    case cluster

    /// Both masters, for `@Test(arguments:)`.
    static let both: [Master] = [.local, .cluster]

    var testDescription: String { self == .local ? "local[4]" : "local-cluster[2,1,512]" }

    /// The arguments that make this test binary run ``ClusterExecutorHost`` alone.
    static let executorHostArguments = "--testing-library swift-testing --filter ClusterExecutorHost"

    /// A new context on this master (quiet logs, no environment); the caller stops it.
    func context(conf extra: [String: String] = [:]) throws -> EngineContext {
        var conf = EngineConf(loadEnvironment: false)
        conf.set("engine.log.level", "warning")
        for (k, v) in extra { conf.set(k, v) }
        switch self {
        case .local:
            return try EngineContext(master: "local[4]", appName: "engine-tests", conf: conf)
        case .cluster:
            // Each executor is this test binary running one test, ClusterExecutorHost.
            conf.set("engine.test.executorHostArguments", Self.executorHostArguments)
            return try EngineContext(master: "local-cluster[2,1,512]", appName: "engine-tests", conf: conf)
        }
    }
}

/// Runs `body` with a fresh context on `master`, stopping it afterwards.
func withContext<R>(_ master: Master, conf extra: [String: String] = [:], _ body: (EngineContext) throws -> R) throws -> R {
    let ctx = try master.context(conf: extra)
    defer { ctx.stop() }
    return try body(ctx)
}

/// Runs `body`; on `.cluster` as a known issue (`comment` names the gap), so that the case is
/// reported as an expected failure while the gap is open and flags itself once it is closed.
/// `when` is false for inputs the gap does not touch (an empty result encodes no record, say):
/// then `body` runs as any other case.
func withKnownGap(in master: Master, when applies: Bool = true, _ comment: Comment,
                  sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) rethrows {
    if master == .cluster && applies {
        withKnownIssue(comment, sourceLocation: sourceLocation) { try body() }
    } else {
        try body()
    }
}
