/// The occurrence counts of a walk: one frame of counters per element being walked (one counter
/// per child definition), stacked as the walk descends. The counters live in memory of their own,
/// so pushing, counting and popping make no uniqueness check and no copy; the owner frees it
/// once with ``deallocate()``.
struct CountStack {
    /// Nil until the first frame.
    private var counters: UnsafeMutablePointer<Int>?
    private var capacity = 0
    /// The number of counters in use (the next frame's start).
    private(set) var top = 0

    init() {}

    /// Pushes a frame of `count` zeros; returns where it starts.
    mutating func push(_ count: Int) -> Int {
        let start = top
        if start + count > capacity {
            var grown = Swift.max(256, capacity * 2)
            while start + count > grown { grown *= 2 }
            let bigger = UnsafeMutablePointer<Int>.allocate(capacity: grown)
            if let counters {
                bigger.update(from: counters, count: start)
                counters.deallocate()
            }
            counters = bigger
            capacity = grown
        }
        (counters.unsafelyUnwrapped + start).update(repeating: 0, count: count)
        top = start + count
        return start
    }

    /// Pops the frame that starts at `start`.
    mutating func pop(to start: Int) {
        top = start
    }

    /// Adds one to a counter; returns the new count.
    @inline(__always)
    mutating func increment(_ k: Int) -> Int {
        let counter = counters.unsafelyUnwrapped + k
        counter.pointee += 1
        return counter.pointee
    }

    @inline(__always)
    subscript(k: Int) -> Int { counters.unsafelyUnwrapped[k] }

    /// Frees the counters (by the owner, once it is done with them).
    mutating func deallocate() {
        counters?.deallocate()
        counters = nil
        capacity = 0
        top = 0
    }
}
