/// Estimates the memory a deserialized value occupies, as Spark's `SizeEstimator`: its
/// inline size plus the heap blocks it owns — string storage, array and dictionary
/// buffers, class instances — each rounded as malloc rounds it. Shared class instances
/// are counted once per estimate. Large arrays are sampled.
///
/// Swift specifics: a String of at most 15 UTF-8 bytes lives inline (no heap); a
/// longer native String is a 32-byte header plus its bytes and a terminating NUL; an
/// Array is a 32-byte header plus `capacity × stride`; a Dictionary or Set a 64-byte
/// header, a bitmap and `buckets × stride` for keys and values.
public enum SizeEstimator {
    /// Arrays with more elements than this are sampled.
    static let sampleThreshold = 400
    /// Elements looked at in a sampled array.
    static let sampleSize = 100

    /// Estimated bytes of `value`: inline size plus owned heap.
    public static func estimate(_ value: Any) -> Int64 {
        var seen = Set<ObjectIdentifier>()
        return inlineSize(value) + heapSize(value, seen: &seen)
    }

    /// Estimated heap bytes owned by `value` (not counting its inline size).
    public static func heapSize(_ value: Any) -> Int64 {
        var seen = Set<ObjectIdentifier>()
        return heapSize(value, seen: &seen)
    }

    /// A malloc block holding `n` bytes, as glibc sizes it (8-byte header, 16-byte
    /// granularity, 32 bytes at least).
    @inlinable
    public static func mallocSize(_ n: Int64) -> Int64 { max(32, (n + 8 + 15) & ~15) }

    /// Heap bytes of a String's storage.
    @inlinable
    public static func stringHeap(_ s: String) -> Int64 {
        let n = s.utf8.count
        return n <= 15 ? 0 : mallocSize(32 + Int64(n) + 1)
    }

    static func inlineSize(_ value: Any) -> Int64 {
        func size<T>(_ v: T) -> Int64 { Int64(MemoryLayout<T>.stride) }
        return _openExistential(value, do: size)
    }

    static func heapSize(_ value: Any, seen: inout Set<ObjectIdentifier>) -> Int64 {
        if let s = value as? String { return stringHeap(s) }
        if let c = value as? any HeapEstimatedCollection { return c.estimatedHeap(seen: &seen) }
        if let s = value as? Substring { return stringHeap(String(s)) }
        let mirror = Mirror(reflecting: value)
        var total: Int64 = 0
        if type(of: value) is AnyClass {
            let id = ObjectIdentifier(value as AnyObject)
            if seen.contains(id) { return 0 }
            seen.insert(id)
            var fields: Int64 = 16  // isa and reference count
            for child in mirror.children { fields += inlineSize(child.value) }
            var m: Mirror? = mirror.superclassMirror
            while let sm = m {
                for child in sm.children { fields += inlineSize(child.value) }
                m = sm.superclassMirror
            }
            total += mallocSize(fields)
        }
        for child in mirror.children { total += heapSize(child.value, seen: &seen) }
        return total
    }
}

/// Collections whose buffer size the estimator reads from their static type.
protocol HeapEstimatedCollection {
    func estimatedHeap(seen: inout Set<ObjectIdentifier>) -> Int64
}

extension SizeEstimator {
    /// Heap bytes owned by `count` elements, from every element or from a sample.
    static func elementsHeap<C: Collection>(_ c: C, seen: inout Set<ObjectIdentifier>) -> Int64 {
        if _isPOD(C.Element.self) { return 0 }
        let n = c.count
        if n == 0 { return 0 }
        if C.Element.self == String.self {
            // The common case, without boxing each element (`as!` after the type test cannot fail).
            return sampled(c, seen: &seen) { e, _ in stringHeap(e as! String) }
        }
        return sampled(c, seen: &seen) { e, seen in heapSize(e, seen: &seen) }
    }

    private static func sampled<C: Collection>(_ c: C, seen: inout Set<ObjectIdentifier>,
                                               _ f: (C.Element, inout Set<ObjectIdentifier>) -> Int64) -> Int64 {
        let n = c.count
        if n <= sampleThreshold {
            var t: Int64 = 0
            for e in c { t += f(e, &seen) }
            return t
        }
        // A pseudo-random sample (seeded by the count, so estimates repeat), scaled to the
        // whole; evenly spaced samples alias with periodic data.
        var rng = n
        var offsets: [Int] = []
        offsets.reserveCapacity(sampleSize)
        for _ in 0..<sampleSize {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            offsets.append(Int(UInt(bitPattern: rng >> 17) % UInt(n)))
        }
        offsets.sort()
        var t: Int64 = 0
        var i = c.startIndex
        var at = 0
        for o in offsets {
            i = c.index(i, offsetBy: o - at)
            at = o
            t += f(c[i], &seen)
        }
        return t * Int64(n) / Int64(sampleSize)
    }

    /// Heap of a hashed table (Dictionary, Set) of `capacity` entries of `stride` bytes.
    static func hashTableHeap(capacity: Int, count: Int, stride: Int) -> Int64 {
        guard capacity > 0 && count > 0 else { return 0 }
        var buckets = 1
        while buckets * 3 / 4 < capacity { buckets <<= 1 }
        let bitmap = (buckets + 63) / 64 * 8
        return mallocSize(Int64(64 + bitmap + buckets * stride))
    }
}

extension Array: HeapEstimatedCollection {
    func estimatedHeap(seen: inout Set<ObjectIdentifier>) -> Int64 {
        guard capacity > 0 else { return 0 }
        return SizeEstimator.mallocSize(Int64(32 + capacity * MemoryLayout<Element>.stride))
            + SizeEstimator.elementsHeap(self, seen: &seen)
    }
}

extension ContiguousArray: HeapEstimatedCollection {
    func estimatedHeap(seen: inout Set<ObjectIdentifier>) -> Int64 {
        guard capacity > 0 else { return 0 }
        return SizeEstimator.mallocSize(Int64(32 + capacity * MemoryLayout<Element>.stride))
            + SizeEstimator.elementsHeap(self, seen: &seen)
    }
}

extension Dictionary: HeapEstimatedCollection {
    func estimatedHeap(seen: inout Set<ObjectIdentifier>) -> Int64 {
        SizeEstimator.hashTableHeap(capacity: capacity, count: count,
                                    stride: MemoryLayout<Key>.stride + MemoryLayout<Value>.stride)
            + SizeEstimator.elementsHeap(keys, seen: &seen)
            + SizeEstimator.elementsHeap(values, seen: &seen)
    }
}

extension Set: HeapEstimatedCollection {
    func estimatedHeap(seen: inout Set<ObjectIdentifier>) -> Int64 {
        SizeEstimator.hashTableHeap(capacity: capacity, count: count, stride: MemoryLayout<Element>.stride)
            + SizeEstimator.elementsHeap(self, seen: &seen)
    }
}
