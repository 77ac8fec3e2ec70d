import Foundation
import FHIRDefinitions

/// The base STU3 definition of a profile element's path (`Patient.identifier.use` is
/// `Identifier.use` of the core Identifier type): what layer 1 already checks, so a profile walk
/// only looks where the profile says more.
///
/// Every profile compiled in a run asks for the same few hundred paths, so the answers are kept
/// in one memo per definition pack (``DefinitionPack/derived(_:_:)``) rather than per profile.
struct BaseElements {
    private let memo: BaseElementMemo?

    init(pack: DefinitionPack?) {
        memo = pack.map { pack in pack.derived("FHIRValidation.BaseElements") { BaseElementMemo(pack: pack) } }
    }

    /// The base element of `path` (slice names removed), or nil when it cannot be found.
    mutating func element(_ path: String) -> ElementRecord? {
        memo?.element(path)
    }
}

/// The shared answers of ``BaseElements``, and the core types' elements they come from.
private final class BaseElementMemo: @unchecked Sendable {
    let pack: DefinitionPack
    private let lock = NSLock()
    /// `.none` remembers a path with no base element.
    private var answers: [String: ElementRecord?] = [:]
    private var types: [String: CoreTypeElements?] = [:]

    init(pack: DefinitionPack) { self.pack = pack }

    func element(_ path: String) -> ElementRecord? {
        if let known = lock.withLock({ answers[path] }) { return known }
        let found = lookUp(path)
        lock.withLock { answers[path] = .some(found) }
        return found
    }

    private func lookUp(_ path: String) -> ElementRecord? {
        let steps = path.utf8.split(separator: UInt8(ascii: ".")).map { String(Substring($0)) }
        guard let first = steps.first, var records = elements(of: first) else { return nil }
        var current = first
        for step in steps.dropFirst() {
            if let found = records.child(of: current, step) {
                current = found
                continue
            }
            // Below a datatype or a content reference: continue in that definition.
            guard let record = records.byPath[current] else { return nil }
            if let reference = record.contentReference, reference.hasPrefix("#") {
                current = String(reference.dropFirst())
                guard let found = records.child(of: current, step) else { return nil }
                current = found
                continue
            }
            guard let type = record.types?.first?.code, let typeRecords = elements(of: type),
                  let found = typeRecords.child(of: type, step) else { return nil }
            records = typeRecords
            current = found
        }
        return records.byPath[current]
    }

    private func elements(of type: String) -> CoreTypeElements? {
        if let known = lock.withLock({ types[type] }) { return known }
        let made = (try? pack.structure(url: DefinitionPack.coreStructurePrefix + type))?.map(CoreTypeElements.init)
        lock.withLock { types[type] = .some(made) }
        return made
    }
}

/// A core type's snapshot elements by path (slices left out), with its choice elements by parent.
private struct CoreTypeElements {
    var byPath: [String: ElementRecord] = [:]
    /// `Observation` -> [`Observation.value[x]`, `Observation.effective[x]`, …].
    var choices: [String: [String]] = [:]

    init(_ sd: StructureRecord) {
        for e in sd.elements where e.sliceName == nil && byPath[e.path] == nil {
            byPath[e.path] = e
            if e.path.hasSuffix("[x]"), let dot = e.path.lastIndex(of: ".") {
                choices[String(e.path[..<dot]), default: []].append(e.path)
            }
        }
    }

    /// `parent.step`, or the choice `parent.value[x]` that `valueQuantity` is a variant of.
    func child(of parent: String, _ step: String) -> String? {
        let direct = parent + "." + step
        if byPath[direct] != nil { return direct }
        for path in choices[parent] ?? [] {
            let prefix = path.utf8.dropFirst(parent.utf8.count + 1).dropLast(3)
            let stepBytes = step.utf8
            if stepBytes.count > prefix.count, stepBytes.starts(with: prefix),
               let next = stepBytes.dropFirst(prefix.count).first, next >= 0x41 && next <= 0x5A {
                return path
            }
        }
        return nil
    }
}
