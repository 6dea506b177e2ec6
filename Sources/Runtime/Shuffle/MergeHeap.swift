import Scheduler
import Storage
/// A binary min-heap of source numbers for k-way merges of sorted runs: `less(a, b)`,
/// passed to each call, compares the current heads of sources `a` and `b`, which the caller keeps.
///
/// Invariant: `items[i]` is not less-than-ordered after `items[(i - 1) / 2]`.
@usableFromInline
package struct MergeHeap {
    /// The heap array of source numbers; `items[0]` is the source whose head is smallest.
    @usableFromInline package var items: [Int] = []

    /// An empty heap.
    @usableFromInline
    package init() {}

    /// True when no source is in the heap: every source pushed was popped and not pushed again.
    @usableFromInline package var isEmpty: Bool { items.isEmpty }
    /// The source whose head is smallest.
    @usableFromInline package var top: Int? { items.first }

    /// Adds `source`, whose head the caller has already set, and sifts it up by `less`.
    @usableFromInline
    package mutating func push(_ source: Int, by less: (Int, Int) -> Bool) {
        items.append(source)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    /// Removes and returns the source whose head is smallest, or nil when empty; the caller
    /// pushes it back once it has read that source's next head.
    @usableFromInline @discardableResult
    package mutating func pop(by less: (Int, Int) -> Bool) -> Int? {
        guard !items.isEmpty else { return nil }
        let first = items[0]
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        items[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && less(items[l], items[m]) { m = l }
            if r < items.count && less(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return first
    }
}
