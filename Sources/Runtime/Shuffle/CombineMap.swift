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
    /// One key's slot in the dense entry array: its hash, the key and its combiner.
    @usableFromInline
    package struct Entry {
        /// The key's ``FastHash`` hash, kept so that growing the index and ordering a spill need no rehash.
        @usableFromInline package var hash: UInt64
        /// The key; compared with `==` only when the hashes are equal.
        @usableFromInline package var key: K
        /// The key's combiner, merged in place by ``CombineMap/upsert(_:_:create:merge:)``.
        @usableFromInline package var value: C

        /// An entry of these three fields.
        @inlinable package init(hash: UInt64, key: K, value: C) {
            self.hash = hash
            self.key = key
            self.value = value
        }
    }

    /// The map's mutable state, behind ``CombineMap/table`` so that updates need no exclusivity checks.
    ///
    /// Invariant: `indexCapacity` is a power of two and at least twice `count`; `count <= entryCapacity`,
    /// and `entries[0..<count]` are initialized.
    @usableFromInline
    package struct Table {
        /// The `indexCapacity` open-addressing slots: `n + 1` for entry `n`, 0 for an empty slot.
        @usableFromInline package var index: UnsafeMutablePointer<UInt32>
        /// Number of index slots, a power of two (the probe mask is `indexCapacity - 1`).
        @usableFromInline package var indexCapacity: Int
        /// The dense entry array, in insertion order.
        @usableFromInline package var entries: UnsafeMutablePointer<Entry>
        /// Entries the array has room for; doubled by ``CombineMap/growEntries()`` when full.
        @usableFromInline package var entryCapacity: Int
        /// Entries initialized, which is the number of keys.
        @usableFromInline package var count: Int

        /// A table over these buffers; the caller has zeroed `index` and initialized `entries[0..<count]`.
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

    /// The map's one ``Table``, allocated by `init` and freed, with its buffers, by `deinit`.
    @usableFromInline package let table: UnsafeMutablePointer<Table>

    /// An empty map with room for at least `capacity` keys before it grows.
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

    /// Doubles the entry array, moving the entries; traps past ``maxKeys`` (spilling maps stop before).
    @inlinable
    package func growEntries() {
        let t = table.pointee
        // Not reachable from a job's data: ExternalAppendOnlyMap spills the map before it holds maxKeys keys.
        precondition(t.entryCapacity < Self.maxKeys, "CombineMap: more than 2^31 keys in one task")
        let bigger = UnsafeMutablePointer<Entry>.allocate(capacity: t.entryCapacity * 2)
        bigger.moveInitialize(from: t.entries, count: t.count)
        t.entries.deallocate()
        table.pointee.entries = bigger
        table.pointee.entryCapacity = t.entryCapacity * 2
    }

    /// Doubles the index and re-inserts every entry number by its stored hash, so it stays at most half full.
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
