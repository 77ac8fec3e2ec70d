import Foundation
import FHIRModel

/// The errors that follow from a defect by the standard, found from the raw definitions and the
/// message: what kinds declare beside their own finding.
extension MutationTarget {
    /// The sites enclosing a location, nearest first (the location itself excluded).
    func ancestors(of location: [Int]) -> [MutationSite] {
        (0..<location.count).reversed().compactMap { site(at: Array(location.prefix($0))) }
    }

    /// The invariants of the elements enclosing `location` (their element definitions and, for
    /// datatypes and resources, their types' root definitions) whose expressions name an element
    /// on the way down to it: a removed, doubled or malformed value is what such an invariant
    /// reads, so it may fail with it (rng-2 reads `high`, whose `value` was made malformed).
    func invariantsReading(_ location: [Int], because why: String) -> [(ExpectedFinding, String)] {
        func stem(_ name: String) -> String { name.hasSuffix("[x]") ? String(name.dropLast(3)) : name }
        var words = [site(at: location)?.def.map { stem($0.name) } ?? root[location].name]
        var result: [(ExpectedFinding, String)] = []
        for ancestor in ancestors(of: location) {
            var keys = Set<String>()
            for (key, expression) in (ancestor.def?.constraints ?? []) + (ancestor.node?.constraints ?? [])
            where words.contains(where: { Self.mentions(expression, $0) }) && keys.insert(key).inserted {
                result.append((ExpectedFinding(rule: "invariant." + key, path: ancestor.path), "\(key) reads it: \(why)"))
            }
            if let def = ancestor.def { words.append(stem(def.name)) }
        }
        return result
    }

    private static func mentions(_ expression: String, _ word: String) -> Bool {
        var rest = expression[...]
        while let r = rest.range(of: word) {
            let before = r.lowerBound == expression.startIndex ? nil : expression[expression.index(before: r.lowerBound)]
            let after = r.upperBound == expression.endIndex ? nil : expression[r.upperBound]
            let isPart = { (c: Character?) in c.map { $0.isLetter || $0.isNumber } ?? false }
            if !isPart(before) && !isPart(after) { return true }
            rest = expression[r.upperBound...]
        }
        return false
    }

    /// The paths of the Coding or CodeableConcept enclosing a code, system or Coding at
    /// `location` (it, its parent, its grandparent) that a required binding covers: of its core
    /// definition, of a claimed profile, or of the definition of the extension whose value it is.
    /// A changed code or system leaves such a binding.
    func requiredBindings(around location: [Int]) throws -> [String] {
        var result: [String] = []
        for depth in 0...2 where depth <= location.count {
            let at = Array(location.dropLast(depth))
            guard let s = site(at: at), ["code", "Coding", "CodeableConcept"].contains(s.typeCode ?? "") else { continue }
            var strengths = [s.def?.bindingStrength]
            strengths += profileSites.filter { $0.location == at }.map(\.def.bindingStrength)
            if s.def?.path == "Extension.value[x]", let url = self.site(at: Array(at.dropLast()))?.element.url,
               let ext = try definitions.structure(url) {
                strengths.append(ext.root.children.first { $0.name == "value[x]" }?.bindingStrength)
            }
            if strengths.contains("required") { result.append(s.path) }
        }
        return result
    }

    /// The copies of a Patient's value that an event message's routing demographics carry (in
    /// the MessageHeader's extensions: the NHS number, the birth date-time): GENERIC-RULES G10
    /// requires them to match, so a changed original is reported there too.
    func routingCopies(of value: String) -> [String] {
        guard isEventMessage else { return [] }
        return sites.filter { s in
            guard s.location.count > 2, isReadByEventRules(s.location), let v = s.element.value,
                  s.path.contains(".extension[") else { return false }
            return v == value || v.hasPrefix(value + "T")
        }.map(\.path)
    }

    /// The References in the message whose `reference` is `target`.
    func references(to target: String) -> [MutationSite] {
        sites.filter { $0.element.name == "reference" && $0.element.value == target }
    }
}

extension Mutation {
    /// Adds several consequences.
    func entailing(_ more: [(ExpectedFinding, String)]) -> Mutation {
        var copy = self
        copy.consequences += more.map { (finding: $0.0, why: $0.1) }
        return copy
    }
}
