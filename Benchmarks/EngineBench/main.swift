// engine-bench: generates benchmark inputs and times engine jobs (and Spark) on them.
// Figures are printed, never asserted: this is a tool, not a test.
import Engine

// `engine-bench broadcast` runs its own EngineContext: with a cluster master, this binary is
// also its executors.
EngineContext.runExecutorIfRequested(appName: "engine-bench")
EngineBench.main()
