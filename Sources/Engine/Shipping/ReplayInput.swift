import Runtime
import Scheduler
import Storage
import Synchronization

/// What a replayed operator gets: the rebuilt inputs, the functions and parameters.
public final class ReplayInput {
    /// The context of the executor's rebuilt lineage.
    public let context: EngineContext
    let inputs: [AnyObject]
    let functions: [ShippedFunction]
    let params: [UInt8]
    /// The call site's file (`#fileID`) on the driver, so rebuilt RDDs name the same call site.
    public let file: String
    /// The call site's line on the driver.
    public let line: Int

    init(context: EngineContext, inputs: [AnyObject], functions: [ShippedFunction], params: [UInt8], file: String, line: Int) {
        self.context = context
        self.inputs = inputs
        self.functions = functions
        self.params = params
        self.file = file
        self.line = line
    }

    /// How many inputs the operator was called on (`union` takes any number).
    public var inputCount: Int { inputs.count }

    /// Input `index`, as the type the operator was called on.
    public func input<R>(_ index: Int, as: R.Type = R.self) throws(ShippingError) -> R {
        guard index < inputs.count, let r = inputs[index] as? R else {
            throw .corrupt("input \(index) of a replayed operator is not a \(R.self)")
        }
        return r
    }

    /// Function `index`, as the function type the operator took.
    public func function<F>(_ index: Int, as: F.Type = F.self) throws(ShippingError) -> F {
        guard index < functions.count else { throw .corrupt("function \(index) missing") }
        return try functions[index].function(as: F.self)
    }

    /// Function `index` of shape `(A) throws -> B`.
    @inlinable
    public func function<A, B>(_ index: Int, _: A.Type, _: B.Type) throws(ShippingError) -> @Sendable (A) throws -> B {
        try shipped(index).unboxed(FunctionBox<A, B>.self) { ($0 as? @Sendable (A) throws -> B).map(FunctionBox.init) }.f
    }
    /// Function `index` of shape `(A, B) throws -> C`.
    @inlinable
    public func function2<A, B, C>(_ index: Int, _: A.Type, _: B.Type, _: C.Type) throws(ShippingError) -> @Sendable (A, B) throws -> C {
        try shipped(index).unboxed(Function2Box<A, B, C>.self) { ($0 as? @Sendable (A, B) throws -> C).map(Function2Box.init) }.f
    }
    /// Function `index` of shape `(A) throws -> Bool`.
    @inlinable
    public func predicate<A>(_ index: Int, _: A.Type) throws(ShippingError) -> @Sendable (A) throws -> Bool {
        try shipped(index).unboxed(PredicateBox<A>.self) { ($0 as? @Sendable (A) throws -> Bool).map(PredicateBox.init) }.f
    }
    /// Function `index` of shape `(A, A) -> Bool`.
    @inlinable
    public func ordering<A>(_ index: Int, _: A.Type) throws(ShippingError) -> @Sendable (A, A) -> Bool {
        try shipped(index).unboxed(OrderingBox<A>.self) { ($0 as? @Sendable (A, A) -> Bool).map(OrderingBox.init) }.f
    }
    /// Function `index` of shape `(A) throws -> Void`.
    @inlinable
    public func effect<A>(_ index: Int, _: A.Type) throws(ShippingError) -> @Sendable (A) throws -> Void {
        try shipped(index).unboxed(EffectBox<A>.self) { ($0 as? @Sendable (A) throws -> Void).map(EffectBox.init) }.f
    }

    /// Function `index` of shape `(PartitionIterator<T>) throws -> S`.
    @inlinable
    public func partitionFunction<T, S>(_ index: Int, _: T.Type, _: S.Type) throws(ShippingError)
        -> @Sendable (PartitionIterator<T>) throws -> S {
        try shipped(index).unboxed(PartitionFunctionBox<T, S>.self) {
            ($0 as? @Sendable (PartitionIterator<T>) throws -> S).map(PartitionFunctionBox.init)
        }.f
    }
    /// Function `index` of shape `(Int, PartitionIterator<T>) throws -> S`.
    @inlinable
    public func indexedPartitionFunction<T, S>(_ index: Int, _: T.Type, _: S.Type) throws(ShippingError)
        -> @Sendable (Int, PartitionIterator<T>) throws -> S {
        try shipped(index).unboxed(IndexedPartitionFunctionBox<T, S>.self) {
            ($0 as? @Sendable (Int, PartitionIterator<T>) throws -> S).map(IndexedPartitionFunctionBox.init)
        }.f
    }
    /// Function `index` of shape `(PartitionIterator<T>) throws -> Void`.
    @inlinable
    public func partitionEffect<T>(_ index: Int, _: T.Type) throws(ShippingError) -> @Sendable (PartitionIterator<T>) throws -> Void {
        try shipped(index).unboxed(PartitionEffectBox<T>.self) {
            ($0 as? @Sendable (PartitionIterator<T>) throws -> Void).map(PartitionEffectBox.init)
        }.f
    }

    @usableFromInline
    func shipped(_ index: Int) throws(ShippingError) -> ShippedFunction {
        guard index < functions.count else { throw .corrupt("function \(index) missing") }
        return functions[index]
    }

    /// The operator's encoded parameters.
    public func params<P: Decodable>(_: P.Type = P.self) throws(ShippingError) -> P {
        do {
            return try BinaryDecoder().decode(P.self, from: params)
        } catch {
            throw .corrupt("parameters: \(error)")
        }
    }
}
