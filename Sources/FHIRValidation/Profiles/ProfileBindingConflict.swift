import FHIRModel
import FHIRDefinitions

/// A binding that the profile itself makes unsatisfiable: the element is bound (required or
/// extensible, by the profile or inherited from the base) to a value set, while the same profile
/// confines every coding below it to code systems that value set never draws from - by fixing or
/// patterning `coding.system` (`system` for a Coding), or by a required binding of `coding` to
/// another value set. No instance can satisfy both (EMS-EventMessageResponse-Task-1 fixes its
/// reason's system to the value set's own URL; DCH-ProfessionalComment-Communication-1 binds
/// `category` extensible to `communication-category` and fixes `category.coding.system` to
/// DCH-ProfessionalCommentType-1). An instance whose codings all do what the profile demands is
/// not at fault: the conflict is reported once per message as the profile's defect
/// (`profile.binding-conflict`: a warning for a required binding, information for an extensible
/// one, which admits codes from elsewhere anyway), and the binding is not checked there.
struct BindingConflict: Sendable, Equatable {
    /// The code systems every coding of the element is confined to.
    let systems: [String]
    /// What confines them, in words (`fixes the coding system to '…'`).
    let confinement: String
    /// The bound value set, and the binding's strength.
    let valueSet: String
    let strength: String
}

enum ProfileBindingConflict {
    /// The conflict between `def`'s binding and the confinement of its codings, or nil when there
    /// is none - or when it cannot be told (a value set not in the pack, a confinement by a value
    /// set whose systems are unknown). Worked out once per profile element, when the profile is compiled.
    static func conflict(_ def: ProfileNode, pack: DefinitionPack) -> BindingConflict? {
        guard let binding = def.record.binding, BindingChecker.isChecked(binding), let url = binding.valueSet,
              let (confined, confinement) = confinedSystems(def, pack: pack),
              let bound = systems(ofValueSet: url, pack: pack, depth: 0),
              bound.isDisjoint(with: confined) else { return nil }
        return BindingConflict(systems: confined, confinement: confinement, valueSet: url, strength: binding.strength)
    }

    /// The systems the profile confines every coding of `def` to, and how (nil: not confined).
    private static func confinedSystems(_ def: ProfileNode, pack: DefinitionPack) -> ([String], String)? {
        // A CodeableConcept's codings, or a Coding itself.
        let coding = def.children.first { $0.name == "coding" } ?? def
        guard coding === def ? def.children.contains(where: { $0.name == "system" }) : true else { return nil }
        let system = coding.children.first { $0.name == "system" }
        if let fixed = system?.fixed?.value ?? system?.pattern?.value {
            return ([fixed], "fixes the coding system to '\(fixed)'")
        }
        if coding !== def, let whole = coding.fixed ?? coding.pattern, let fixed = whole.child("system")?.value {
            return ([fixed], "fixes the coding system to '\(fixed)'")
        }
        // A required binding of the codings themselves (the profile's own; the base binds no `coding`).
        if coding !== def, coding.bindingMatters, let binding = coding.record.binding, binding.strength == "required",
           let url = binding.valueSet, let confined = systems(ofValueSet: url, pack: pack, depth: 0) {
            return (confined.sorted(), "binds its codings (required) to '\(url)'")
        }
        return nil
    }

    /// Every code system value set `url` draws from (following its imports), or nil when that is
    /// unknown (not in the pack, an include naming neither a system nor a value set, imports too deep).
    private static func systems(ofValueSet url: String, pack: DefinitionPack, depth: Int) -> Set<String>? {
        guard depth < 4, let vs = try? pack.valueSet(url: ProfileCache.canonical(url)) else { return nil }
        var systems = Set<String>()
        for include in vs.includes ?? [] {
            if let system = include.system { systems.insert(system) }
            for imported in include.valueSets ?? [] {
                guard let more = Self.systems(ofValueSet: imported, pack: pack, depth: depth + 1) else { return nil }
                systems.formUnion(more)
            }
            if include.system == nil && (include.valueSets ?? []).isEmpty { return nil }
        }
        for code in vs.expansion ?? [] {
            if let system = code.system { systems.insert(system) }
        }
        return systems.isEmpty ? nil : systems
    }
}

extension ProfileRules {
    /// True when `e` (a Coding, or a CodeableConcept) has codings and every one's system is among `systems`.
    func codings(of e: Element, allIn systems: [String]) -> Bool {
        var any = false
        let allIn = e.children.allSatisfy { c in
            // A Coding's own system, or each coding of a concept.
            if c.name == "system" {
                any = true
                return c.value.map(systems.contains) == true
            }
            guard c.name == "coding" else { return true }
            any = true
            return c.child("system")?.value.map(systems.contains) == true
        }
        return any && allIn
    }

    /// The note for a binding the profile contradicts.
    func bindingConflict(_ e: Element, _ def: ProfileNode, _ profile: CompiledProfile, _ conflict: BindingConflict,
                         at path: String) -> Issue {
        let required = conflict.strength == "required"
        return Issue(required ? .warning : .information, .invalid, rule: ProfileRule.bindingConflict,
                     "\(label(def, profile)) \(conflict.confinement), which its \(conflict.strength) binding to value set "
                        + "'\(conflict.valueSet)' does not include: no coding can satisfy both, so the binding is not "
                        + "checked here (a defect of the profile\(required ? "" : "; an extensible binding admits other codes"))",
                     path: path, position: e.position)
    }
}
