import Runtime
import Scheduler
import Storage

/// How a by-key operation was asked to partition: a count, a HashPartitioner, a `Codable`
/// partitioner of the user's, or the default.
///
/// A partitioner other than ``HashPartitioner`` travels to executors in other processes when its
/// type is `Codable` and has a name another process can look up (not `private`, not declared
/// inside a function): its mangled type name and encoded fields travel, as a named Codable
/// function type's do, and the executor decodes the same type from the same build.
public struct PartitionerShape: Codable, Sendable {
    /// The partition count asked for, if any.
    public var numPartitions: Int?
    /// The count of the ``HashPartitioner`` given, if one was.
    public var hashPartitions: Int?
    /// The mangled type name of a `Codable` partitioner given, if one was.
    public var customType: String?
    /// The encoded fields of that partitioner.
    public var customFields: [UInt8]?
    /// False for a partitioner that cannot travel (not `Codable`, or without a stable type name).
    public var portable: Bool
    /// Why the partitioner cannot travel, when it cannot.
    public var reason: String?

    /// The shape of a call's `numPartitions` and `partitioner` arguments.
    public init(numPartitions: Int?, partitioner: (any Partitioner)?) {
        self.numPartitions = numPartitions
        portable = true
        guard let partitioner else { return }
        if let hash = partitioner as? HashPartitioner {
            hashPartitions = hash.requestedPartitions
            return
        }
        let typeName = String(describing: type(of: partitioner))
        guard let codable = partitioner as? any (Partitioner & Codable) else {
            portable = false
            reason = "uses the partitioner \(typeName), which is not Codable; make it Codable to ship it"
            return
        }
        guard let name = _mangledTypeName(type(of: codable)), _typeByName(name) != nil else {
            portable = false
            reason = "uses the partitioner \(typeName), whose type has no stable name (private, or declared inside a function)"
            return
        }
        do {
            customFields = try BinaryEncoder().encode(codable)
            customType = name
        } catch {
            portable = false
            reason = "uses the partitioner \(typeName), whose fields do not encode: \(error)"
        }
    }

    @inlinable
    var shipped: ShippedFunction { portable ? .value : .notPortable(reason: reason ?? "uses a partitioner that cannot travel") }

    /// The partitioner again (in another process of the same build).
    /// - Throws: ``ShippingError/corrupt(_:)`` when a custom partitioner's type is unknown here
    ///   or its fields do not decode.
    @usableFromInline
    var partitioner: (any Partitioner)? {
        get throws(ShippingError) {
            if let h = hashPartitions { return HashPartitioner(h) }
            guard let name = customType, let fields = customFields else { return nil }
            guard let type = _typeByName(name) as? any (Partitioner & Codable).Type else {
                throw .corrupt("partitioner type \(name) is unknown in this build")
            }
            return try Self.decode(type, fields)
        }
    }

    private static func decode<P: Partitioner & Codable>(_: P.Type, _ fields: [UInt8]) throws(ShippingError) -> P {
        do {
            return try BinaryDecoder().decode(P.self, from: fields)
        } catch {
            throw .corrupt("cannot decode partitioner \(P.self): \(error)")
        }
    }
}
