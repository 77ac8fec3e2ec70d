import FHIRModel

/// The `system`, `code` and `display` children of a Coding (or a Quantity's `system` and `code`),
/// read in place in one pass: no child `Element` is copied. Each field is the first child of that
/// name, as `Element.child(_:)` would find it.
struct CodingFields {
    /// Value of the first `system` child.
    var system: String?
    /// Value of the first `code` child.
    var code: String?
    /// Value of the first `display` child.
    var display: String?
    /// Where the first `display` child stands (for a display issue).
    var displayPosition: SourcePosition?

    init(_ element: borrowing Element) {
        var seenSystem = false, seenCode = false, seenDisplay = false
        let kids = element.children.span
        for k in kids.indices {
            // Lengths first: 4 is code, 6 system, 7 display; other names are skipped unread.
            switch kids[k].name.utf8.count {
            case 4 where !seenCode && kids[k].name == "code":
                seenCode = true
                code = kids[k].value
            case 6 where !seenSystem && kids[k].name == "system":
                seenSystem = true
                system = kids[k].value
            case 7 where !seenDisplay && kids[k].name == "display":
                seenDisplay = true
                display = kids[k].value
                displayPosition = kids[k].position
            default:
                continue
            }
        }
    }
}
