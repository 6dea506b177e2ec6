import Runtime

extension EngineContext {
    /// The local-cluster executor processes still running, by executor id (`exec-1` → pid);
    /// empty in local mode and with an `engine://` master. For tests that kill an executor.
    package var executorProcessIds: [String: Int32] { driver?.cluster?.executorProcesses ?? [:] }
}
