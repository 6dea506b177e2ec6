import Runtime
import Storage

/// A user function as it travels to executors in other processes: a closure literal that
/// captures nothing (its offset in the executable), or a value of a named `Codable` function
/// type (its mangled type name and encoded fields). Anything else cannot travel; the job then
/// fails before any task runs with ``ShippingError/notSerializable(operation:callSite:reason:)``.
public enum ShippedFunction: Codable, Sendable, Equatable {
    /// A closure literal that captures nothing: the offset of its code in the executable.
    case closure(offset: UInt64)
    /// A value of a named `Codable` function type: its mangled type name and encoded fields.
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

    /// `(PartitionIterator<T>) throws -> S`: mapPartitions. (Through ``of(_:)-((A)->B)`` the iterator,
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
    /// ``notPortable(reason:)`` when the type has no name another process can look up (a
    /// `private` type, or one declared inside a function) or its fields do not encode.
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
    /// - Throws: ``ShippingError/corrupt(_:)`` when the type is unknown in this build, the fields
    ///   do not decode, the function is not an `F`, or this is a value or a function that cannot travel.
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
