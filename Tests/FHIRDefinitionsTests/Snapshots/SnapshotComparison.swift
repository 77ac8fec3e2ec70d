import Foundation
import FHIRModel

/// Compares a generated snapshot with a published one element by element, on what a snapshot means
/// to a validator: ids, paths, cardinality, types with profiles and target profiles, bindings,
/// fixed and pattern values, slicing. Each difference is one line `id: what (published → generated)`.
enum SnapshotComparison {
    static func differences(published: [Element], generated: [Element]) -> [String] {
        func key(_ e: Element) -> String { e.id ?? e.child("path")?.value ?? "?" }
        let generatedById = Dictionary(generated.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let publishedIds = Set(published.map(key))
        var found: [String] = []
        for p in published {
            let id = key(p)
            guard let g = generatedById[id] else { found.append("\(id): missing"); continue }
            for (aspect, value) in aspects where value(p) != value(g) {
                found.append("\(id): \(aspect) (\(value(p)) → \(value(g)))")
            }
        }
        for g in generated where !publishedIds.contains(key(g)) { found.append("\(key(g)): extra") }
        // Same elements, other order.
        let order = generated.map(key).filter(publishedIds.contains)
        if found.isEmpty, order != published.map(key) { found.append("order differs") }
        return found
    }

    /// The compared aspects of an ElementDefinition, each as a canonical string.
    static let aspects: [(String, (Element) -> String)] = [
        ("path", { $0.child("path")?.value ?? "" }),
        ("sliceName", { $0.child("sliceName")?.value ?? "" }),
        ("min", { $0.child("min")?.value ?? "" }),
        ("max", { $0.child("max")?.value ?? "" }),
        ("type", { e in
            e.children(named: "type").map { t in
                ([t.child("code")?.value ?? ""] + t.children(named: "profile").compactMap(\.value)
                    + t.children(named: "targetProfile").compactMap(\.value).map { "→" + $0 }).joined(separator: " ")
            }.joined(separator: " | ")
        }),
        ("binding", { e in
            guard let b = e.child("binding") else { return "" }
            return (b.child("strength")?.value ?? "") + " " + (b.child("valueSet")?.value ?? "")
        }),
        ("fixed", { e in e.children.filter { $0.name.hasPrefix("fixed") }.map(canonical).joined() }),
        ("pattern", { e in e.children.filter { $0.name.hasPrefix("pattern") }.map(canonical).joined() }),
        ("slicing", { e in
            guard let s = e.child("slicing") else { return "" }
            let d = s.children(named: "discriminator").map { ($0.child("type")?.value ?? "") + ":" + ($0.child("path")?.value ?? "") }
            return d.joined(separator: ",") + " ordered=" + (s.child("ordered")?.value ?? "-") + " " + (s.child("rules")?.value ?? "")
        }),
        ("constraints", { e in e.children(named: "constraint").compactMap { $0.child("key")?.value }.sorted().joined(separator: ",") }),
        ("contentReference", { $0.child("contentReference")?.value ?? "" }),
        ("mustSupport", { $0.child("mustSupport")?.value ?? "" }),
    ]

    /// An element tree as text, positions and read details aside.
    static func canonical(_ e: Element) -> String {
        e.name + "(" + (e.value ?? "") + (e.url ?? "") + e.children.map(canonical).joined(separator: ",") + ")"
    }
}
