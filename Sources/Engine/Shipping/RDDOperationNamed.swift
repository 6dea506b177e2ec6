import Runtime
import Scheduler
import Storage

/// The operation that made an RDD, for errors about lineages that cannot travel.
protocol RDDOperationNamed { var operation: String { get } }
