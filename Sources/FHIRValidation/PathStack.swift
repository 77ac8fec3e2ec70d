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
    /// Built over bytes: string interpolation of the indices costs several times more.
    func text(appending extra: String? = nil) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 * names.count + (extra?.utf8.count ?? 0) + 1)
        for k in names.indices {
            if k > 0 { bytes.append(UInt8(ascii: ".")) }
            bytes.append(contentsOf: names[k].utf8)
            if indices[k] >= 0 {
                bytes.append(UInt8(ascii: "["))
                Self.appendDecimal(indices[k], to: &bytes)
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
