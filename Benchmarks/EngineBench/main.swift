// engine-bench: generates benchmark inputs and times engine jobs (and Spark) on them.
// Figures are printed, never asserted: this is a tool, not a test.
EngineBench.main()
