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
    func element(_ path: String) -> ElementRecord? {
        memo?.element(path)
    }
}

/// The shared answers of ``BaseElements``, and the core types' elements they come from.
private final class BaseElementMemo: @unchecked Sendable {
    let pack: DefinitionPack
    private let lock = NSLock()
    private var types: [String: CoreTypeElements?] = [:]

    init(pack: DefinitionPack) { self.pack = pack }

    func element(_ path: String) -> ElementRecord? {
        guard let place = place(of: path) else { return nil }
        return place.records.byPath[place.current]
    }

    /// Where a path's base element is: the core type's elements it is in and its path there.
    /// Memoised per path, and found from its parent's place, so that the paths of a profile (each
    /// one step below one already asked) cost one step each.
    private struct Place {
        let records: CoreTypeElements
        let current: String
    }
    /// `.none` remembers a path with no base element.
    private var places: [String: Place?] = [:]

    private func place(of path: String) -> Place? {
        if let known = lock.withLock({ places[path] }) { return known }
        let found = findPlace(of: path)
        lock.withLock { places[path] = .some(found) }
        return found
    }

    private func findPlace(of path: String) -> Place? {
        guard let dot = path.utf8.lastIndex(of: UInt8(ascii: ".")) else {
            return elements(of: path).map { Place(records: $0, current: path) }
        }
        let step = String(path[path.utf8.index(after: dot)...])
        guard !step.isEmpty, let parent = place(of: String(path[..<dot])) else { return nil }
        let records = parent.records, current = parent.current
        if let found = records.child(of: current, step) { return Place(records: records, current: found) }
        // Below a datatype or a content reference: continue in that definition.
        guard let record = records.byPath[current] else { return nil }
        if let reference = record.contentReference, reference.hasPrefix("#") {
            let target = String(reference.dropFirst())
            return records.child(of: target, step).map { Place(records: records, current: $0) }
        }
        guard let type = record.types?.first?.code, let typeRecords = elements(of: type),
              let found = typeRecords.child(of: type, step) else { return nil }
        return Place(records: typeRecords, current: found)
    }

    private func elements(of type: String) -> CoreTypeElements? {
        if let known = lock.withLock({ types[type] }) { return known }
        let made = (try? pack.structure(url: DefinitionPack.coreStructurePrefix + type))?.map(CoreTypeElements.init)
        lock.withLock { types[type] = .some(made) }
        return made
    }
}

/// A core type's snapshot elements by path (slices left out), with its choice elements by parent.
private final class CoreTypeElements: @unchecked Sendable {
    let byPath: [String: ElementRecord]
    /// `Observation` -> [`Observation.value[x]`, `Observation.effective[x]`, …].
    let choices: [String: [String]]

    init(_ sd: StructureRecord) {
        var byPath: [String: ElementRecord] = [:]
        var choices: [String: [String]] = [:]
        for e in sd.elements where e.sliceName == nil && byPath[e.path] == nil {
            byPath[e.path] = e
            if e.path.hasSuffix("[x]"), let dot = e.path.lastIndex(of: ".") {
                choices[String(e.path[..<dot]), default: []].append(e.path)
            }
        }
        self.byPath = byPath
        self.choices = choices
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
