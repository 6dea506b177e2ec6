@testable import Engine
import Testing

/// Not a test: how this test binary serves as `local-cluster`'s executors (``Master/cluster``).
///
/// A cluster context made by ``Master/context(conf:)`` starts each executor as this binary,
/// `--testing-library swift-testing --filter ClusterExecutorHost`, with the executor's arguments
/// in its environment. In that process this is the one test that runs, and it becomes the
/// executor and exits when its driver stops it. Executors so run the test binary's own code,
/// so the functions the tests ship resolve as in a job's binary. In a normal run it is skipped.
@Suite struct ClusterExecutorHost {
    @Test(.enabled(if: EngineContext.isHostedExecutorRequested, "runs only in a local-cluster executor process"))
    func hostAnExecutor() {
        EngineContext.runHostedExecutor(appName: "engine-tests")
    }
}
