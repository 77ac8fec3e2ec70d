/// The FHIRPath location of the element being walked, kept as a stack of steps and turned into
/// text only when an issue needs it (most elements never do).
struct PathStack {
    private var names: [String] = []
    /// 0-based index of each step, or -1 for a step that does not repeat.
    private var indices: [Int] = []

    init() {
        names.reserveCapacity(32)
        indices.reserveCapacity(32)
    }

    mutating func push(_ name: String, index: Int = -1) {
        names.append(name)
        indices.append(index)
    }

    mutating func pop() {
        names.removeLast()
        indices.removeLast()
    }

    /// The number of steps.
    var depth: Int { names.count }

    /// Pops steps until `depth` remain.
    mutating func pop(to depth: Int) {
        names.removeLast(names.count - depth)
        indices.removeLast(indices.count - depth)
    }

    /// The path, e.g. `Bundle.entry[2].resource.birthDate`, optionally with one more step.
    func text(appending extra: String? = nil) -> String {
        var s = ""
        for k in names.indices {
            if k > 0 { s += "." }
            s += names[k]
            if indices[k] >= 0 { s += "[\(indices[k])]" }
        }
        if let extra { s += s.isEmpty ? extra : "." + extra }
        return s
    }
}
