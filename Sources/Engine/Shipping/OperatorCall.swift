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

/// One recorded call of an operator: what ``RDDOperator/replay(_:)`` needs.
public final class OperatorCall: @unchecked Sendable {
    // Unchecked: immutable after init; the input objects are immutable RDDs.
    let operatorType: String
    /// Offset of the operator's replay closure, specialized in the job's module (release builds);
    /// nil when it was not (debug builds), and the generic operator type is used.
    let fastReplay: UInt64?
    let operation: String
    let inputs: [any LineageNode]
    let functions: [ShippedFunction]
    let params: [UInt8]
    let file: String
    let line: Int
    /// The first RDD and shuffle ids the call took: replay hands out the same ones.
    let firstRDDId: Int
    let firstShuffleId: Int

    init(operatorType: String, fastReplay: UInt64?, operation: String, inputs: [any LineageNode],
         functions: [ShippedFunction], params: [UInt8], file: String, line: Int, firstRDDId: Int, firstShuffleId: Int) {
        self.operatorType = operatorType
        self.fastReplay = fastReplay
        self.operation = operation
        self.inputs = inputs
        self.functions = functions
        self.params = params
        self.file = file
        self.line = line
        self.firstRDDId = firstRDDId
        self.firstShuffleId = firstShuffleId
    }

    /// The first function that cannot travel, as the error a job reports.
    var notSerializable: ShippingError? {
        for f in functions {
            if case .notPortable(let reason) = f {
                return .notSerializable(operation: operation, callSite: "\(file.split(separator: "/").last.map(String.init) ?? file):\(line)", reason: reason)
            }
        }
        return nil
    }
}

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

/// The operator call that made an RDD or job function, once recorded.
public final class OriginBox: Sendable {
    private let call = Mutex<OperatorCall?>(nil)
    /// An empty box: nothing recorded yet.
    public init() {}
    var value: OperatorCall? {
        get { call.withLock { $0 } }
        set { call.withLock { $0 = newValue } }
    }
}

/// Something an operator call makes and records itself on.
public protocol HasOrigin: AnyObject {
    /// Where the operator call that made it is recorded.
    var origin: OriginBox { get }
}

/// An empty parameter list.
public struct NoParams: Codable, Sendable {
    /// The empty parameter list.
    @inlinable public init() {}
}

extension EngineContext {
    /// Runs `make` (an operator's body) and records on what it returns how to call it again:
    /// `Op`, the inputs, shipped functions and parameters. The replay closure is written here,
    /// so that, inlined into the job's specialized code, it needs no context and can travel.
    @inlinable
    public func recordCall<Op: RDDOperator, R: HasOrigin>(
        _ op: Op.Type, _ operation: String, inputs: [any LineageNode], functions: [ShippedFunction] = [],
        params: some Encodable = NoParams(), file: String, line: Int, _ make: () throws -> R
    ) rethrows -> R {
        let mark = idMark
        let out = try make()
        let fast = PortableClosure.offset(ofReplay: { (i: ReplayInput) throws -> AnyObject in try Op.replay(i) })
        attachOrigin(to: out, op: Op.self, fast: fast, operation: operation, inputs: inputs, functions: functions,
                     params: params, file: file, line: line, mark: mark)
        return out
    }
}

extension EngineContext {
    /// Records on `out`, made by an operator since `mark` (`idMark` before the call), how to call it again.
    @inlinable
    public func recorded<Op: RDDOperator, R: HasOrigin>(
        _ op: Op.Type, _ operation: String, mark: (rdd: Int, shuffle: Int), inputs: [any LineageNode],
        functions: [ShippedFunction] = [], params: some Encodable = NoParams(), file: String, line: Int, _ out: R
    ) -> R {
        let fast = PortableClosure.offset(ofReplay: { (i: ReplayInput) throws -> AnyObject in try Op.replay(i) })
        attachOrigin(to: out, op: Op.self, fast: fast, operation: operation, inputs: inputs, functions: functions,
                     params: params, file: file, line: line, mark: mark)
        return out
    }
}

extension PortableClosure {
    /// ``offset(of:)`` for replay closures, taken through `(A) throws -> B` as they are restored.
    @inlinable
    public static func offset<A, B>(ofReplay f: @escaping (A) throws -> B) -> UInt64? { offset(of: f) }

    /// The replay closure at `offset`.
    static func replayFunction<A, B>(at offset: UInt64, _: A.Type, _: B.Type) -> (A) throws -> B {
        function(at: offset, as: ((A) throws -> B).self)
    }
}
