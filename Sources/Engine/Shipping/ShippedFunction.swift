import Storage

/// A user function as it travels to executors in other processes: a closure literal that
/// captures nothing (its offset in the executable), or a value of a named `Codable` function
/// type (its mangled type name and encoded fields). Anything else cannot travel; the job then
/// fails before any task runs with ``ShippingError/notSerializable(operation:callSite:reason:)``.
public enum ShippedFunction: Codable, Sendable, Equatable {
    case closure(offset: UInt64)
    case codable(typeName: String, fields: [UInt8])
    /// Not a function: a value (zero value, elements, partitioner) that travels in the call's
    /// parameters. Listed so that the call's functions say it is portable.
    case value
    /// Not portable, and why (kept so the error names the operation when a job needs it).
    case notPortable(reason: String)

    /// The shipped form of a closure held in `box`, a struct whose one field has exactly the
    /// function type the operator declared (so no reabstraction thunk is made to read it).
    @inlinable
    static func boxed<Box>(_ box: Box) -> ShippedFunction {
        if let offset = PortableClosure.offset(ofBoxed: box) { return .closure(offset: offset) }
        return .notPortable(reason: "captures context")
    }

    /// `(A) throws -> B`: map, flatMap, mapValues, keyBy.
    @inlinable
    public static func of<A, B>(_ f: @escaping @Sendable (A) throws -> B) -> ShippedFunction { boxed(FunctionBox(f: f)) }
    /// `(A, B) throws -> C`: reduce, fold, reduceByKey, aggregate.
    @inlinable
    public static func of<A, B, C>(_ f: @escaping @Sendable (A, B) throws -> C) -> ShippedFunction { boxed(Function2Box(f: f)) }
    /// `(A) throws -> Bool`: filter.
    @inlinable
    public static func predicate<A>(_ f: @escaping @Sendable (A) throws -> Bool) -> ShippedFunction { boxed(PredicateBox(f: f)) }
    /// `(A, A) -> Bool`: takeOrdered, top.
    @inlinable
    public static func ordering<A>(_ f: @escaping @Sendable (A, A) -> Bool) -> ShippedFunction { boxed(OrderingBox(f: f)) }
    /// `(A) throws -> Void`: foreach, foreachPartition.
    @inlinable
    public static func effect<A>(_ f: @escaping @Sendable (A) throws -> Void) -> ShippedFunction { boxed(EffectBox(f: f)) }

    /// `(PartitionIterator<T>) throws -> S`: mapPartitions. (Through ``of(_:)-(A)->B`` the iterator,
    /// a class passed directly, would be reabstracted to an opaque parameter by a thunk that captures.)
    @inlinable
    public static func partitions<T, S>(_ f: @escaping @Sendable (PartitionIterator<T>) throws -> S) -> ShippedFunction {
        boxed(PartitionFunctionBox(f: f))
    }
    /// `(Int, PartitionIterator<T>) throws -> S`: mapPartitionsWithIndex.
    @inlinable
    public static func indexedPartitions<T, S>(_ f: @escaping @Sendable (Int, PartitionIterator<T>) throws -> S) -> ShippedFunction {
        boxed(IndexedPartitionFunctionBox(f: f))
    }
    /// `(PartitionIterator<T>) throws -> Void`: foreachPartition.
    @inlinable
    public static func partitionEffect<T>(_ f: @escaping @Sendable (PartitionIterator<T>) throws -> Void) -> ShippedFunction {
        boxed(PartitionEffectBox(f: f))
    }

    /// The closure again, as its box type (closures only; Codable function types go through ``function(as:)``).
    @inlinable
    func unboxed<Box>(_: Box.Type, _ fromAny: (Any) -> Box?) throws(ShippingError) -> Box {
        switch self {
        case .closure(let offset):
            return PortableClosure.boxed(at: offset, as: Box.self)
        case .codable:
            let any: Any = try function(as: Any.self)
            guard let box = fromAny(any) else { throw .corrupt("a Codable function of the wrong type for \(Box.self)") }
            return box
        case .value:
            throw .corrupt("a value was read as the function \(Box.self)")
        case .notPortable(let reason):
            throw .corrupt("a function that cannot travel was shipped (\(reason))")
        }
    }

    /// The shipped form of a value of a named `Codable` function type.
    public static func of<P: PortableFunction>(portable value: P) -> ShippedFunction {
        guard let name = _mangledTypeName(P.self), _typeByName(name) != nil else {
            return .notPortable(reason: "its type \(P.self) has no stable name (private, or declared inside a function)")
        }
        do {
            return .codable(typeName: name, fields: try BinaryEncoder().encode(value))
        } catch {
            return .notPortable(reason: "encoding \(P.self) failed: \(error)")
        }
    }

    var isPortable: Bool {
        if case .notPortable = self { return false }
        return true
    }

    /// The function again, as type `F` (in another process of the same build).
    public func function<F>(as: F.Type = F.self) throws(ShippingError) -> F {
        switch self {
        case .closure(let offset):
            return PortableClosure.function(at: offset, as: F.self)
        case .codable(let typeName, let fields):
            guard let type = _typeByName(typeName) as? any PortableFunction.Type else {
                throw .corrupt("function type \(typeName) is unknown in this build")
            }
            let value: any PortableFunction
            do {
                value = try type.decodeShipped(fields)
            } catch {
                throw .corrupt("cannot decode \(type): \(error)")
            }
            if F.self == Any.self { return value.shippedClosure() as! F }  // cannot fail: F is Any
            guard let f = value.shippedClosure() as? F else {
                throw .corrupt("\(type) does not give a \(F.self)")
            }
            return f
        case .value:
            throw .corrupt("a value was read as the function \(F.self)")
        case .notPortable(let reason):
            throw .corrupt("a function that cannot travel was shipped (\(reason))")
        }
    }
}

/// A named `Codable` function type: its fields are the state it needs, explicitly, so it can
/// travel to executors in other processes (Spark's serializable function objects).
/// Conform through ``MapFunction``, ``FlatMapFunction``, ``FilterFunction`` or ``ReduceFunction``.
public protocol PortableFunction: Codable, Sendable {
    /// The function as the closure type the engine's operators take.
    func shippedClosure() -> Any
}

extension PortableFunction {
    static func decodeShipped(_ bytes: [UInt8]) throws -> Self { try BinaryDecoder().decode(Self.self, from: bytes) }
}

/// `(Input) -> Output`, for `map`, `mapValues`, `keyBy`.
public protocol MapFunction: PortableFunction {
    associatedtype Input
    associatedtype Output
    func callAsFunction(_ input: Input) throws -> Output
}

extension MapFunction {
    public func shippedClosure() -> Any { { (x: Input) throws -> Output in try self(x) } as @Sendable (Input) throws -> Output }
}

/// `(Input) -> some Sequence`, for `flatMap`.
public protocol FlatMapFunction: PortableFunction {
    associatedtype Input
    associatedtype Output: Sequence
    func callAsFunction(_ input: Input) throws -> Output
}

extension FlatMapFunction {
    public func shippedClosure() -> Any { { (x: Input) throws -> Output in try self(x) } as @Sendable (Input) throws -> Output }
}

/// `(Input) -> Bool`, for `filter`.
public protocol FilterFunction: PortableFunction {
    associatedtype Input
    func callAsFunction(_ input: Input) throws -> Bool
}

extension FilterFunction {
    public func shippedClosure() -> Any { { (x: Input) throws -> Bool in try self(x) } as @Sendable (Input) throws -> Bool }
}

/// `(Value, Value) -> Value`, for `reduce`, `fold` and `reduceByKey`.
public protocol ReduceFunction: PortableFunction {
    associatedtype Value
    func callAsFunction(_ a: Value, _ b: Value) throws -> Value
}

extension ReduceFunction {
    public func shippedClosure() -> Any {
        { (a: Value, b: Value) throws -> Value in try self(a, b) } as @Sendable (Value, Value) throws -> Value
    }
}

/// `(Value, Value) -> Bool`, a strict "is ordered before", for `takeOrdered` and `top`.
public protocol OrderingFunction: PortableFunction {
    associatedtype Value
    func callAsFunction(_ a: Value, _ b: Value) -> Bool
}

extension OrderingFunction {
    public func shippedClosure() -> Any { { (a: Value, b: Value) -> Bool in self(a, b) } as @Sendable (Value, Value) -> Bool }
}

/// Boxes holding a closure at exactly the function type an operator declares.
@usableFromInline struct FunctionBox<A, B> {
    @usableFromInline let f: @Sendable (A) throws -> B
    @inlinable init(f: @escaping @Sendable (A) throws -> B) { self.f = f }
}
@usableFromInline struct Function2Box<A, B, C> {
    @usableFromInline let f: @Sendable (A, B) throws -> C
    @inlinable init(f: @escaping @Sendable (A, B) throws -> C) { self.f = f }
}
@usableFromInline struct PredicateBox<A> {
    @usableFromInline let f: @Sendable (A) throws -> Bool
    @inlinable init(f: @escaping @Sendable (A) throws -> Bool) { self.f = f }
}
@usableFromInline struct OrderingBox<A> {
    @usableFromInline let f: @Sendable (A, A) -> Bool
    @inlinable init(f: @escaping @Sendable (A, A) -> Bool) { self.f = f }
}
@usableFromInline struct EffectBox<A> {
    @usableFromInline let f: @Sendable (A) throws -> Void
    @inlinable init(f: @escaping @Sendable (A) throws -> Void) { self.f = f }
}
@usableFromInline struct PartitionFunctionBox<T, S> {
    @usableFromInline let f: @Sendable (PartitionIterator<T>) throws -> S
    @inlinable init(f: @escaping @Sendable (PartitionIterator<T>) throws -> S) { self.f = f }
}
@usableFromInline struct IndexedPartitionFunctionBox<T, S> {
    @usableFromInline let f: @Sendable (Int, PartitionIterator<T>) throws -> S
    @inlinable init(f: @escaping @Sendable (Int, PartitionIterator<T>) throws -> S) { self.f = f }
}
@usableFromInline struct PartitionEffectBox<T> {
    @usableFromInline let f: @Sendable (PartitionIterator<T>) throws -> Void
    @inlinable init(f: @escaping @Sendable (PartitionIterator<T>) throws -> Void) { self.f = f }
}
