import Runtime
import Scheduler
import Storage
import Synchronization

/// An operator that can be called again in another process of the same build, to rebuild
/// there the RDD (or job function) it made on the driver. One generic type per operator,
/// carrying the operator's type parameters: `MapOperator<T, U>`, `ReduceByKeyOperator<K, V>`, ….
/// Its mangled name travels; `_typeByName` finds the same type in the executor.
public protocol RDDOperator {
    /// Calls the operator again with the inputs, functions and parameters recorded on the driver.
    static func replay(_ input: ReplayInput) throws -> AnyObject
}
