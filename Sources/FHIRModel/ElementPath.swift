/// Builds FHIRPath-style locations such as `Bundle.entry[2].resource.birthDate`.
///
/// A step carries an index when the element repeats (its definition allows more than one), so the
/// same element gets the same path whether it was read from XML or JSON.
public struct ElementPath: Sendable, Hashable, CustomStringConvertible {
    /// The path as text.
    public private(set) var text: String

    /// A path at a root (`Bundle`).
    public init(root: String) { text = root }

    /// The path of a child: `name` or `name[index]`.
    public func appending(_ name: String, index: Int? = nil) -> ElementPath {
        var p = self
        p.text.reserveCapacity(text.utf8.count + name.utf8.count + 5)
        p.text += "."
        p.text += name
        if let index { p.text += "[\(index)]" }
        return p
    }

    /// The path as text (``text``).
    public var description: String { text }
}
