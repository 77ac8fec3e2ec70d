import FHIRModel

/// A scratch stack of elements the reader builds children on.
///
/// Each object pushes its children here and, when it closes, moves them out into an exactly sized
/// array. Moving (rather than copying) avoids a retain and a release of every string of every
/// element, and one array per object replaces the growth steps of appending to a fresh array.
/// The stack's storage is kept and reused for the whole document.
struct ElementBuffer {
    private var items: [Element] = []

    init(capacity: Int = 64) {
        items.reserveCapacity(capacity)
    }

    var count: Int { items.count }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        items.append(element)
    }

    /// Access to the element at `index` (which must be below ``count``).
    @inline(__always)
    subscript(index: Int) -> Element {
        get { items[index] }
        _modify { yield &items[index] }
    }

    /// Pushes a new element without children (built in place).
    @inline(__always)
    mutating func push(name: String, value: String?, valueKind: ValueKind, position: SourcePosition) {
        items.append(Element(name: name, value: value, valueKind: valueKind, position: position))
    }

    /// Inserts at `index`, shifting the elements from `index` on up by one.
    mutating func insert(_ element: consuming Element, at index: Int) {
        items.insert(element, at: index)
    }

    /// Removes and returns the element at `index`, shifting the elements after it down by one.
    mutating func remove(at index: Int) -> Element {
        items.remove(at: index)
    }

    /// Moves the elements from `start` on into a new array and pops them.
    mutating func take(from start: Int) -> [Element] {
        let n = items.count - start
        if n == 0 { return [] }
        // Popped from the end and appended, then put back in order: every step moves an element,
        // none copies it (so no reference count is touched).
        var result: [Element] = []
        result.reserveCapacity(n)
        for _ in 0..<n { result.append(items.removeLast()) }
        result.reverse()
        return result
    }
}
