/// The FHIRPath location of the element being walked, kept as a stack of steps and turned into
/// text only when an issue needs it (most elements never do).
struct PathStack {
    /// A name and its 0-based index, or -1 for a step that does not repeat. One array of pairs:
    /// a push or pop is one append or removal, one uniqueness check.
    private struct Step {
        var name: String
        var index: Int
    }

    private var steps: [Step] = []

    init() {
        steps.reserveCapacity(32)
    }

    mutating func push(_ name: String, index: Int = -1) {
        steps.append(Step(name: name, index: index))
    }

    mutating func pop() {
        steps.removeLast()
    }

    /// The number of steps.
    var depth: Int { steps.count }

    /// Pops steps until `depth` remain.
    mutating func pop(to depth: Int) {
        steps.removeLast(steps.count - depth)
    }

    /// The path, e.g. `Bundle.entry[2].resource.birthDate`, optionally with one more step.
    /// Built over bytes: string interpolation of the indices costs several times more.
    func text(appending extra: String? = nil) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 * steps.count + (extra?.utf8.count ?? 0) + 1)
        for k in steps.indices {
            if k > 0 { bytes.append(UInt8(ascii: ".")) }
            bytes.append(contentsOf: steps[k].name.utf8)
            if steps[k].index >= 0 {
                bytes.append(UInt8(ascii: "["))
                Self.appendDecimal(steps[k].index, to: &bytes)
                bytes.append(UInt8(ascii: "]"))
            }
        }
        if let extra {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: ".")) }
            bytes.append(contentsOf: extra.utf8)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendDecimal(_ n: Int, to bytes: inout [UInt8]) {
        if n >= 10 { appendDecimal(n / 10, to: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(n % 10))
    }
}
