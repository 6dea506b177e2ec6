/// An open-addressing hash map from keys to combiners, built for aggregation: linear
/// probing over a power-of-two table of slots kept at most 5/8 full; a slot holds the
/// key's hash (0 marks an empty slot), the key and the combiner side by side, so a probe
/// touches one cache line; hashes come from ``FastHash``. Combiners are updated in place.
///
/// The mutable state lives behind one pointer owned by the map, so the per-record path has
/// no dynamic exclusivity checks (a map belongs to one task thread).
///
/// Invariant: `count` slots have a non-zero tag, and exactly those have key and value initialized.
@usableFromInline
final class CombineMap<K: Hashable, C> {
    @usableFromInline
    struct Slot {
        @usableFromInline var tag: UInt64
        @usableFromInline var key: K
        @usableFromInline var value: C
    }

    @usableFromInline
    struct Table {
        @usableFromInline var slots: UnsafeMutableRawPointer
        @usableFromInline var capacity: Int
        @usableFromInline var count: Int

        @inlinable
        init(capacity: Int) {
            self.capacity = capacity
            count = 0
            slots = .allocate(byteCount: capacity * MemoryLayout<Slot>.stride, alignment: MemoryLayout<Slot>.alignment)
            for i in 0..<capacity { tag(i).initialize(to: 0) }
        }

        @inlinable func tag(_ i: Int) -> UnsafeMutablePointer<UInt64> {
            (slots + i * MemoryLayout<Slot>.stride + MemoryLayout<Slot>.offset(of: \Slot.tag)!)
                .assumingMemoryBound(to: UInt64.self)
        }

        @inlinable func key(_ i: Int) -> UnsafeMutablePointer<K> {
            (slots + i * MemoryLayout<Slot>.stride + MemoryLayout<Slot>.offset(of: \Slot.key)!)
                .assumingMemoryBound(to: K.self)
        }

        @inlinable func value(_ i: Int) -> UnsafeMutablePointer<C> {
            (slots + i * MemoryLayout<Slot>.stride + MemoryLayout<Slot>.offset(of: \Slot.value)!)
                .assumingMemoryBound(to: C.self)
        }
    }

    @usableFromInline let table: UnsafeMutablePointer<Table>

    @inlinable
    init(capacity initial: Int = 1024) {
        var c = 16
        while c < initial * 2 { c <<= 1 }
        table = .allocate(capacity: 1)
        table.initialize(to: Table(capacity: c))
    }

    @inlinable
    deinit {
        let t = table.pointee
        for i in 0..<t.capacity where t.tag(i).pointee != 0 {
            t.key(i).deinitialize(count: 1)
            t.value(i).deinitialize(count: 1)
        }
        t.slots.deallocate()
        table.deinitialize(count: 1)
        table.deallocate()
    }

    /// Number of keys.
    @inlinable var count: Int { table.pointee.count }

    @inlinable
    static func tag(_ h: UInt64) -> UInt64 { h | (1 << 63) }

    /// Merges `value` into the combiner of `key`, or creates it.
    @inlinable
    func upsert<V>(_ key: K, _ value: V, create: (V) throws -> C, merge: (inout C, V) throws -> Void) throws {
        let h = Self.tag(FastHash.hash(key))
        let t = table.pointee
        let mask = t.capacity - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = t.tag(i).pointee
            if slot == 0 {
                t.value(i).initialize(to: try create(value))
                t.key(i).initialize(to: key)
                t.tag(i).pointee = h
                table.pointee.count += 1
                if table.pointee.count * 8 > table.pointee.capacity * 5 { grow() }
                return
            }
            if slot == h && t.key(i).pointee == key {
                try merge(&t.value(i).pointee, value)
                return
            }
            i = (i + 1) & mask
        }
    }

    @inlinable
    func grow() {
        let old = table.pointee
        var new = Table(capacity: old.capacity * 2)
        new.count = old.count
        let mask = new.capacity - 1
        for j in 0..<old.capacity where old.tag(j).pointee != 0 {
            let h = old.tag(j).pointee
            var i = Int(truncatingIfNeeded: h) & mask
            while new.tag(i).pointee != 0 { i = (i + 1) & mask }
            new.tag(i).pointee = h
            new.key(i).moveInitialize(from: old.key(j), count: 1)
            new.value(i).moveInitialize(from: old.value(j), count: 1)
        }
        old.slots.deallocate()
        table.pointee = new
    }

    /// Calls `body` with every entry.
    @inlinable
    func forEach(_ body: (K, C) throws -> Void) rethrows {
        let t = table.pointee
        for i in 0..<t.capacity where t.tag(i).pointee != 0 { try body(t.key(i).pointee, t.value(i).pointee) }
    }

    /// The entries as a stream of chunks (the map is kept alive by the stream).
    @inlinable
    func stream() -> PartitionStream<(K, C)> {
        var i = 0
        return PartitionStream { [self] in
            let t = table.pointee
            var out: [(K, C)] = []
            out.reserveCapacity(Swift.min(4096, t.count))
            while out.count < 4096 && i < t.capacity {
                if t.tag(i).pointee != 0 { out.append((t.key(i).pointee, t.value(i).pointee)) }
                i += 1
            }
            return out.isEmpty ? nil : out
        }
    }
}
