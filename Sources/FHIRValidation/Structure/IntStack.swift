/// Frames of integers stacked as a walk descends: the occurrence counts of each element being
/// walked (one counter per child definition), or a walk's scratch lists (occurrence indices, slice
/// numbers). One array, kept for the whole walk and only grown: pushing and popping a frame
/// allocate nothing once it has reached its depth; a frame stays where it is while deeper ones come
/// and go, so it is named by where it starts.
struct IntStack {
    private var storage: [Int] = []
    /// The number of integers in use (the next frame's start).
    private(set) var top = 0

    init() {}

    /// Pushes a frame of `count` copies of `value` (zeros: fresh counters); returns where it starts.
    mutating func push(_ count: Int, filledWith value: Int = 0) -> Int {
        let start = top
        let end = start + count
        if end > storage.count {
            storage.append(contentsOf: repeatElement(0, count: end - storage.count))
        }
        var frame = storage.mutableSpan
        for k in start..<end { frame[k] = value }
        top = end
        return start
    }

    /// Pops the frame that starts at `start` (and every frame above it).
    mutating func pop(to start: Int) {
        top = start
    }

    /// Adds one to a counter; returns the new count.
    @inline(__always)
    mutating func increment(_ k: Int) -> Int {
        storage[k] += 1
        return storage[k]
    }

    @inline(__always)
    subscript(k: Int) -> Int {
        get { storage[k] }
        set { storage[k] = newValue }
    }
}
