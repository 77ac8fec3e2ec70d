import Foundation
import FHIRModel
import FHIRDefinitions

/// The required children (base min ≥ 1) of each element path of each core type, read once per
/// pack from the core StructureDefinitions (profiles may require more; only the base definitions
/// decide structure).
final class RequiredChildren: @unchecked Sendable {
    private let pack: DefinitionPack
    private let lock = NSLock()
    private var known: [String: [ElementRecord]] = [:]

    init(pack: DefinitionPack) { self.pack = pack }

    func of(_ context: TypeContext) -> [ElementRecord] {
        let key = context.model.name + "|" + context.path
        if let found = lock.withLock({ known[key] }) { return found }
        var made: [ElementRecord] = []
        if let structure = (try? pack.structure(url: DefinitionPack.coreStructurePrefix + context.model.name)) ?? nil {
            let prefix = context.path + "."
            for e in structure.elements where e.min >= 1 && e.sliceName == nil && e.xmlAttribute != true && e.path.hasPrefix(prefix)
                && !e.path.dropFirst(prefix.count).contains(".") {
                made.append(e)
            }
        }
        lock.withLock { known[key] = made }
        return made
    }
}

extension PolicyWalk {
    /// After the transform: drops references to withheld resources, regenerates or removes
    /// narrative, and puts back required elements the policy removed.
    mutating func finish(_ root: inout Element, path: String) {
        var targets = Set<String>()
        for entry in root.children where entry.name == "entry" {
            if let full = entry.valueOfChild(named: "fullUrl") { targets.insert(full) }
            if let resource = entry.children.first(where: { $0.name == "resource" }), let type = resource.resourceType,
               let id = resource.valueOfChild(named: "id") { targets.insert(type + "/" + id) }
        }
        collectContained(root, into: &targets)
        let context = (try? pack.context(forType: root.resourceType ?? root.name)) ?? nil
        _ = finishElement(&root, context: context, path: path, targets: targets)
    }

    private func collectContained(_ e: Element, into targets: inout Set<String>) {
        for child in e.children {
            if child.name == "contained", let id = child.valueOfChild(named: "id") { targets.insert("#" + id) }
            collectContained(child, into: &targets)
        }
    }

    private func resolves(_ reference: String, in targets: Set<String>) -> Bool {
        if targets.contains(reference) { return true }
        let parts = reference.split(separator: "/")
        return parts.count >= 2 && targets.contains(parts[parts.count - 2] + "/" + parts[parts.count - 1])
    }

    /// Finishes one element; false when it has become empty (and must go).
    private mutating func finishElement(_ e: inout Element, context: TypeContext?, path: String, targets: Set<String>) -> Bool {
        let isResource = e.resourceType != nil
        let context = isResource ? ((try? pack.context(forType: e.resourceType!)) ?? nil) : context
        var kept: [Element] = []
        var counts: [String: Int] = [:]
        for var child in e.children {
            let info = context?.child(child.name)
            let n = counts[child.name, default: 0]
            counts[child.name] = n + 1
            let childPath = path + "." + child.name + ((info?.repeats ?? true) ? "[\(n)]" : "")
            if child.name == "reference", let v = child.value, inputTargets.contains(v), !resolves(v, in: targets) {
                decisions.append(SharingDecision(rule: "reference", path: childPath, action: "remove", note: "its target is withheld"))
                continue
            }
            let childContext: TypeContext? = info.flatMap { info in
                if case .primitive = info.content { return nil }
                guard let context else { return nil }
                return (try? pack.context(of: info, in: context)) ?? nil
            }
            if !child.children.isEmpty || child.resourceType != nil {
                if !finishElement(&child, context: childContext, path: childPath, targets: targets) { continue }
            }
            kept.append(child)
        }
        e.children = kept
        if isResource, context?.child("text") != nil, policy.narrative == .regenerate {
            e.children.append(Narrative.generated(for: e, policy: policy.name))
            decisions.append(SharingDecision(rule: "narrative", path: path + ".text", action: "regenerate"))
        }
        if let context { addRequired(&e, context: context, path: path) }
        return isResource || e.value != nil || !e.children.isEmpty
    }

    /// Puts back each child the base definition requires and the element lacks.
    private mutating func addRequired(_ e: inout Element, context: TypeContext, path: String) {
        for record in sharer.required.of(context) {
            let stem = String(record.path.dropFirst(context.path.count + 1))
            let present: Bool
            if stem.hasSuffix("[x]") {
                let base = stem.dropLast(3)
                present = e.children.contains { $0.name.hasPrefix(base) && context.child($0.name)?.isChoice == true }
            } else {
                present = e.children.contains { $0.name == stem }
            }
            guard !present, let placeholder = placeholder(stem: stem, record: record, in: context) else { continue }
            e.children.append(placeholder)
            decisions.append(SharingDecision(rule: "required", path: path + "." + placeholder.name,
                                             action: policy.requiredElements.rawValue))
        }
    }

    /// A stand-in for a required element: the policy's placeholder text for string-like
    /// primitives (under `placeholder`), else only the data-absent-reason extension; with its own
    /// required children, recursively.
    private func placeholder(stem: String, record: ElementRecord, in context: TypeContext, depth: Int = 0) -> Element? {
        guard depth < 6, let table = context.table else { return nil }
        let info: ChildInfo?
        if stem.hasSuffix("[x]") {
            info = table.byName.values.filter { $0.definitionPath == record.path }.min { $0.name < $1.name }
        } else {
            info = table[stem]
        }
        guard let info else { return nil }
        var element = Element(name: info.name)
        if case .primitive = info.content, policy.requiredElements == .placeholder,
           ["string", "markdown", "code", "id", "uri"].contains(info.typeCode) {
            element.value = Self.placeholderValue(policy.placeholderText, typeCode: info.typeCode)
            return element
        }
        if case .resource = info.content { return nil }
        element.children.append(Self.dataAbsentReason())
        if case .primitive = info.content { return element }
        if let childContext = (try? pack.context(of: info, in: context)) ?? nil {
            for r in sharer.required.of(childContext) {
                let s = String(r.path.dropFirst(childContext.path.count + 1))
                if let p = placeholder(stem: s, record: r, in: childContext, depth: depth + 1) { element.children.append(p) }
            }
        }
        return element
    }

    /// The placeholder text made valid for the type (`id` and `code` allow no spaces).
    static func placeholderValue(_ text: String, typeCode: String) -> String {
        switch typeCode {
        case "id": return String(text.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }.prefix(64))
        case "code", "uri": return text.replacingOccurrences(of: " ", with: "-")
        default: return text
        }
    }
}

/// Narrative regenerated from what a shared resource still holds, so that it can never quote a
/// value the policy removed.
enum Narrative {
    static func generated(for resource: Element, policy: String) -> Element {
        var items: [String] = []
        collect(resource, path: resource.resourceType ?? resource.name, into: &items)
        var div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>" + escape(resource.resourceType ?? "Resource")
            + " shared under the policy " + escape(policy) + "</p>"
        if !items.isEmpty {
            div += "<ul>" + items.prefix(40).map { "<li>" + $0 + "</li>" }.joined() + "</ul>"
        }
        div += "</div>"
        return Element(name: "text", children: [Element(name: "status", value: "generated"), Element(name: "div", value: div)])
    }

    private static func collect(_ e: Element, path: String, into items: inout [String]) {
        for child in e.children where child.resourceType == nil && child.name != "id" && child.name != "text" {
            let p = path + "." + child.name
            if let v = child.value, e.url != MessageSharer.encryptedValueURL { items.append(escape(p) + ": " + escape(v)) }
            collect(child, path: p, into: &items)
        }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
