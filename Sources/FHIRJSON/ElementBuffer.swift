import FHIRModel

/// A scratch stack of elements the reader builds children on.
///
/// Each object pushes its children here and, when it closes, moves them out into an exactly sized
/// array. Moving (rather than copying) avoids a retain and a release of every string of every
/// element, and one array per object replaces the growth steps of appending to a fresh array.
///
/// The owner must call ``destroy()`` exactly once (the reader does so in a `defer`).
struct ElementBuffer {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count: Int = 0
    private var capacity: Int

    init(capacity: Int = 64) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    mutating func destroy() {
        base.deinitialize(count: count)
        base.deallocate()
        count = 0
        capacity = 0
    }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: consume element)
        count += 1
    }

    /// Access to the element at `index` (which must be below ``count``).
    @inline(__always)
    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating _modify { yield &base[index] }
    }

    /// Pushes a new element without children (built in place).
    @inline(__always)
    mutating func push(name: String, value: String?, valueKind: ValueKind, position: SourcePosition) {
        if count == capacity { grow() }
        (base + count).initialize(to: Element(name: name, value: value, valueKind: valueKind, position: position))
        count += 1
    }

    /// Inserts at `index`, shifting the elements from `index` on up by one.
    mutating func insert(_ element: consuming Element, at index: Int) {
        if count == capacity { grow() }
        let tail = count - index
        if tail > 0 { (base + index + 1).moveInitialize(from: base + index, count: tail) }
        (base + index).initialize(to: consume element)
        count += 1
    }

    /// Removes and returns the element at `index`, shifting the elements after it down by one.
    mutating func remove(at index: Int) -> Element {
        let element = (base + index).move()
        let tail = count - index - 1
        if tail > 0 { (base + index).moveInitialize(from: base + index + 1, count: tail) }
        count -= 1
        return element
    }

    /// Moves the elements from `start` on into a new array and pops them.
    mutating func take(from start: Int) -> [Element] {
        let n = count - start
        if n == 0 { return [] }
        let source = base + start
        let result = [Element](unsafeUninitializedCapacity: n) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: source, count: n)
            initialized = n
        }
        count = start
        return result
    }

    private mutating func grow() {
        let newCapacity = Swift.max(16, capacity * 2)
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
