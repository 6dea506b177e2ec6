import Runtime
import Scheduler

extension EngineContext {
    /// The driver's removals of cached blocks, shuffles and broadcasts, on the driver and every executor.
    static func removals(_ env: TaskEnvironment, _ dagScheduler: DAGScheduler, _ cluster: ClusterDriver?,
                         _ conf: EngineConf) -> DriverRemovals {
        DriverRemovals(environment: env, dagScheduler: dagScheduler, cluster: cluster,
                       timeout: conf.get(EngineKeys.networkTimeout))
    }

    /// How this driver removes cached blocks, shuffles and broadcasts (nil in a context that
    /// rebuilds lineages on an executor): the path `unpersist()` and the ContextCleaner share.
    var removals: DriverRemovals? {
        driver.map { Self.removals(env, $0.dagScheduler, $0.cluster, conf) }
    }
}
