/// An open-addressing hash map from keys to combiners, built for aggregation: linear
/// probing over a power-of-two table kept at most half full, each slot's hash stored
/// beside it (0 marks an empty slot), a cheap hash from ``FastHash``. Combiners are
/// updated in place.
///
/// Invariant: `count` slots have a non-zero tag, and their key and value are initialized.
@usableFromInline
final class CombineMap<K: Hashable, C> {
    @usableFromInline var tags: UnsafeMutablePointer<UInt64>
    @usableFromInline var keys: UnsafeMutablePointer<K>
    @usableFromInline var values: UnsafeMutablePointer<C>
    @usableFromInline var capacity: Int
    @usableFromInline var count = 0

    @inlinable
    init(capacity initial: Int = 1024) {
        var c = 16
        while c < initial * 2 { c <<= 1 }
        capacity = c
        tags = .allocate(capacity: c)
        tags.initialize(repeating: 0, count: c)
        keys = .allocate(capacity: c)
        values = .allocate(capacity: c)
    }

    @inlinable
    deinit {
        for i in 0..<capacity where tags[i] != 0 {
            (keys + i).deinitialize(count: 1)
            (values + i).deinitialize(count: 1)
        }
        tags.deallocate()
        keys.deallocate()
        values.deallocate()
    }

    @inlinable
    static func tag(_ h: UInt64) -> UInt64 { h | (1 << 63) }

    /// Merges `value` into the combiner of `key`, or creates it.
    @inlinable
    func upsert<V>(_ key: K, _ value: V, create: (V) throws -> C, merge: (inout C, V) throws -> Void) throws {
        let t = Self.tag(FastHash.hash(key))
        let mask = capacity - 1
        var i = Int(truncatingIfNeeded: t) & mask
        while true {
            let slot = tags[i]
            if slot == 0 {
                (values + i).initialize(to: try create(value))
                (keys + i).initialize(to: key)
                tags[i] = t
                count += 1
                if count * 2 > capacity { grow() }
                return
            }
            if slot == t && keys[i] == key {
                try merge(&values[i], value)
                return
            }
            i = (i + 1) & mask
        }
    }

    @inlinable
    func grow() {
        let oldTags = tags, oldKeys = keys, oldValues = values, oldCapacity = capacity
        capacity *= 2
        tags = .allocate(capacity: capacity)
        tags.initialize(repeating: 0, count: capacity)
        keys = .allocate(capacity: capacity)
        values = .allocate(capacity: capacity)
        let mask = capacity - 1
        for j in 0..<oldCapacity where oldTags[j] != 0 {
            let t = oldTags[j]
            var i = Int(truncatingIfNeeded: t) & mask
            while tags[i] != 0 { i = (i + 1) & mask }
            tags[i] = t
            (keys + i).moveInitialize(from: oldKeys + j, count: 1)
            (values + i).moveInitialize(from: oldValues + j, count: 1)
        }
        oldTags.deallocate()
        oldKeys.deallocate()
        oldValues.deallocate()
    }

    /// Calls `body` with every entry.
    @inlinable
    func forEach(_ body: (K, C) throws -> Void) rethrows {
        for i in 0..<capacity where tags[i] != 0 { try body(keys[i], values[i]) }
    }

    /// The entries as a stream of chunks (the map is kept alive by the stream).
    @inlinable
    func stream() -> PartitionStream<(K, C)> {
        var i = 0
        return PartitionStream { [self] in
            var out: [(K, C)] = []
            out.reserveCapacity(Swift.min(4096, count))
            while out.count < 4096 && i < capacity {
                if tags[i] != 0 { out.append((keys[i], values[i])) }
                i += 1
            }
            return out.isEmpty ? nil : out
        }
    }
}
