import FHIRDefinitions

/// The base STU3 definition of a profile element's path (`Patient.identifier.use` is
/// `Identifier.use` of the core Identifier type): what layer 1 already checks, so a profile walk
/// only looks where the profile says more.
struct BaseElements {
    let pack: DefinitionPack?
    /// Core element records by path, per core type loaded so far.
    private var types: [String: [String: ElementRecord]] = [:]

    init(pack: DefinitionPack?) {
        self.pack = pack
    }

    /// The base element of `path` (slice names removed), or nil when it cannot be found.
    mutating func element(_ path: String) -> ElementRecord? {
        let steps = path.split(separator: ".").map(String.init)
        guard let first = steps.first, var records = records(of: first) else { return nil }
        var current = first
        for step in steps.dropFirst() {
            if let found = child(current, step, in: records) {
                current = found
                continue
            }
            // Below a datatype or a content reference: continue in that definition.
            guard let record = records[current] else { return nil }
            if let reference = record.contentReference, reference.hasPrefix("#") {
                current = String(reference.dropFirst())
                guard let found = child(current, step, in: records) else { return nil }
                current = found
                continue
            }
            guard let type = record.types?.first?.code, let typeRecords = self.records(of: type),
                  let found = child(type, step, in: typeRecords) else { return nil }
            records = typeRecords
            current = found
        }
        return records[current]
    }

    /// `parent.step`, or the choice `parent.value[x]` that `valueQuantity` is a variant of.
    private func child(_ parent: String, _ step: String, in records: [String: ElementRecord]) -> String? {
        let direct = parent + "." + step
        if records[direct] != nil { return direct }
        for (path, _) in records where path.hasSuffix("[x]") && path.hasPrefix(parent + ".") {
            let prefix = path.dropFirst(parent.count + 1).dropLast(3)
            if !prefix.contains("."), step.hasPrefix(prefix), step.count > prefix.count,
               step[step.index(step.startIndex, offsetBy: prefix.count)].isUppercase {
                return path
            }
        }
        return nil
    }

    private mutating func records(of type: String) -> [String: ElementRecord]? {
        if let known = types[type] { return known }
        guard let pack, let sd = try? pack.structure(url: DefinitionPack.coreStructurePrefix + type) else { return nil }
        var byPath: [String: ElementRecord] = [:]
        for e in sd.elements where e.sliceName == nil && byPath[e.path] == nil { byPath[e.path] = e }
        types[type] = byPath
        return byPath
    }
}
