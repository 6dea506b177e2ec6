import Scheduler
import Storage

/// A hash map from keys to combiners, built for aggregation.
///
/// Layout, as a compact dictionary: a dense array of entries (hash, key, combiner) in
/// insertion order, and an open-addressing index of 32-bit entry numbers (0 marks an
/// empty slot) with linear probing, kept at most half full. The index is small enough to
/// stay in cache, and the keys that occur most are met first, so their entries sit
/// together at the front. Hashes come from ``FastHash``; combiners are updated in place.
///
/// The mutable state lives behind one pointer owned by the map, so the per-record path has
/// no dynamic exclusivity checks (a map belongs to one task thread).
///
/// Invariant: entries `0..<count` are initialized; the index holds each of `1...count` once.
@usableFromInline
package final class CombineMap<K: Hashable, C> {
    @usableFromInline
    package struct Entry {
        @usableFromInline package var hash: UInt64
        @usableFromInline package var key: K
        @usableFromInline package var value: C

        @inlinable package init(hash: UInt64, key: K, value: C) {
            self.hash = hash
            self.key = key
            self.value = value
        }
    }

    @usableFromInline
    package struct Table {
        @usableFromInline package var index: UnsafeMutablePointer<UInt32>
        @usableFromInline package var indexCapacity: Int
        @usableFromInline package var entries: UnsafeMutablePointer<Entry>
        @usableFromInline package var entryCapacity: Int
        @usableFromInline package var count: Int

        @inlinable
        package init(index: UnsafeMutablePointer<UInt32>, indexCapacity: Int, entries: UnsafeMutablePointer<Entry>,
             entryCapacity: Int, count: Int) {
            self.index = index
            self.indexCapacity = indexCapacity
            self.entries = entries
            self.entryCapacity = entryCapacity
            self.count = count
        }
    }

    @usableFromInline package let table: UnsafeMutablePointer<Table>

    @inlinable
    package init(capacity initial: Int = 1024) {
        var c = 16
        while c < initial * 2 { c <<= 1 }
        let index = UnsafeMutablePointer<UInt32>.allocate(capacity: c)
        index.initialize(repeating: 0, count: c)
        table = .allocate(capacity: 1)
        table.initialize(to: Table(index: index, indexCapacity: c, entries: .allocate(capacity: c / 2),
                                   entryCapacity: c / 2, count: 0))
    }

    @inlinable
    deinit {
        let t = table.pointee
        t.entries.deinitialize(count: t.count)
        t.entries.deallocate()
        t.index.deallocate()
        table.deinitialize(count: 1)
        table.deallocate()
    }

    /// Number of keys.
    @inlinable package var count: Int { table.pointee.count }

    /// Merges `value` into the combiner of `key`, or creates it.
    @inlinable
    package func upsert<V>(_ key: K, _ value: V, create: (V) throws -> C, merge: (inout C, V) throws -> Void) throws {
        let h = FastHash.hash(key)
        let t = table.pointee
        let mask = t.indexCapacity - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = t.index[i]
            if e == 0 {
                if t.count == t.entryCapacity { growEntries() }
                let n = table.pointee.count
                (table.pointee.entries + n).initialize(to: Entry(hash: h, key: key, value: try create(value)))
                t.index[i] = UInt32(truncatingIfNeeded: n + 1)
                table.pointee.count = n + 1
                if (n + 1) * 2 > t.indexCapacity { growIndex() }
                return
            }
            let entry = t.entries + Int(e - 1)
            if entry.pointee.hash == h && entry.pointee.key == key {
                try merge(&entry.pointee.value, value)
                return
            }
            i = (i + 1) & mask
        }
    }

    /// Most keys a map can index (entry numbers are 32-bit).
    @usableFromInline package static var maxKeys: Int { Int(UInt32.max) / 2 }

    @inlinable
    package func growEntries() {
        let t = table.pointee
        // Not reachable from a job's data: ExternalCombineMap spills the map before it holds maxKeys keys.
        precondition(t.entryCapacity < Self.maxKeys, "CombineMap: more than 2^31 keys in one task")
        let bigger = UnsafeMutablePointer<Entry>.allocate(capacity: t.entryCapacity * 2)
        bigger.moveInitialize(from: t.entries, count: t.count)
        t.entries.deallocate()
        table.pointee.entries = bigger
        table.pointee.entryCapacity = t.entryCapacity * 2
    }

    @inlinable
    package func growIndex() {
        let t = table.pointee
        let capacity = t.indexCapacity * 2
        let index = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        index.initialize(repeating: 0, count: capacity)
        let mask = capacity - 1
        for n in 0..<t.count {
            var i = Int(truncatingIfNeeded: t.entries[n].hash) & mask
            while index[i] != 0 { i = (i + 1) & mask }
            index[i] = UInt32(truncatingIfNeeded: n + 1)
        }
        t.index.deallocate()
        table.pointee.index = index
        table.pointee.indexCapacity = capacity
    }

    /// Bytes of the entry array and the index: what the map holds besides its keys' and combiners' heap storage.
    @inlinable
    package var tableBytes: Int {
        let t = table.pointee
        return t.entryCapacity * MemoryLayout<Entry>.stride + t.indexCapacity * MemoryLayout<UInt32>.stride
    }

    /// Entry `n` (in insertion order), for sampling sizes and for spilling.
    @inlinable
    package func entry(_ n: Int) -> UnsafeMutablePointer<Entry> { table.pointee.entries + n }

    /// Removes every entry and shrinks the table to `capacity` keys (after a spill, to give the memory back).
    @inlinable
    package func removeAll(capacity initial: Int = 64) {
        var c = 16
        while c < initial * 2 { c <<= 1 }
        let t = table.pointee
        t.entries.deinitialize(count: t.count)
        t.entries.deallocate()
        t.index.deallocate()
        let index = UnsafeMutablePointer<UInt32>.allocate(capacity: c)
        index.initialize(repeating: 0, count: c)
        table.pointee = Table(index: index, indexCapacity: c, entries: .allocate(capacity: c / 2), entryCapacity: c / 2,
                              count: 0)
    }

    /// Calls `body` with every entry, in insertion order.
    @inlinable
    package func forEach(_ body: (K, C) throws -> Void) rethrows {
        let t = table.pointee
        for n in 0..<t.count { try body(t.entries[n].key, t.entries[n].value) }
    }

    /// The entries as a stream of chunks (the map is kept alive by the stream).
    @inlinable
    package func stream() -> PartitionStream<(K, C)> {
        var n = 0
        return PartitionStream { [self] in
            let t = table.pointee
            guard n < t.count else { return nil }
            let end = Swift.min(n + 4096, t.count)
            var out: [(K, C)] = []
            out.reserveCapacity(end - n)
            while n < end {
                out.append((t.entries[n].key, t.entries[n].value))
                n += 1
            }
            return out
        }
    }
}
