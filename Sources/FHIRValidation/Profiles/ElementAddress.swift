import FHIRModel

/// An element's identity for per-message memos that outlive the walk closure which read the
/// element: its address as a number, compared and never turned back into a pointer (so no pointer
/// escapes the closure that made it). Sound while the tree is not changed, as during validation:
/// each element then stays at one address.
struct ElementAddress: Hashable {
    private let bits: UInt

    @inline(__always)
    init(_ element: UnsafePointer<Element>) {
        bits = UInt(bitPattern: element)
    }
}
