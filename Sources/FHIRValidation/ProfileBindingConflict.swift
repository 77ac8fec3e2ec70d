import FHIRModel
import FHIRDefinitions

/// Profiles that contradict themselves on terminology: an element with a required binding to a
/// value set while the same profile fixes its codings' `system` to a code system that value
/// set never draws from. No instance can satisfy both (the EMS-EventMessageResponse-Task-1
/// `reason` fixes the value set's own URL as the system; its `messageID` input fixes
/// `EMS-EventErrorInput-1`, which the bound value set does not include). A coding that carries
/// exactly the fixed system did what the profile demands: the conflict is the profile's defect,
/// reported as one warning (`profile.binding-conflict`) instead of a binding error.
enum ProfileBindingConflict {
    /// The fixed coding system of `def` that contradicts `binding`, or nil when there is none
    /// (or when the value set is not in the pack, or draws on other value sets: then it is unknown).
    /// An extensible binding allows codes from elsewhere, so only a required one can contradict.
    /// Worked out once per profile element, when the profile is compiled.
    static func contradictedSystem(_ def: ProfileNode, _ binding: BindingRecord, pack: DefinitionPack) -> String? {
        guard binding.strength == "required", let url = binding.valueSet, let fixed = fixedCodingSystem(def),
              let vs = try? pack.valueSet(url: ProfileCache.canonical(url)) else { return nil }
        let includes = vs.includes ?? []
        guard includes.allSatisfy({ ($0.valueSets ?? []).isEmpty && $0.system != nil }) else { return nil }
        if includes.contains(where: { $0.system == fixed }) { return nil }
        if vs.expansion?.contains(where: { $0.system == fixed }) == true { return nil }
        return fixed
    }

    /// The `system` a profile fixes for a Coding element, or for the `coding` of a CodeableConcept.
    private static func fixedCodingSystem(_ def: ProfileNode) -> String? {
        let coding = def.children.first { $0.name == "coding" } ?? def
        return coding.children.first { $0.name == "system" }?.fixed?.value
    }
}

extension ProfileRules {
    /// True when every coding of `e` (a Coding, or a CodeableConcept's codings) has `system`.
    func codings(of e: Element, allUse system: String) -> Bool {
        let codings = e.child("system") != nil ? [e] : e.children(named: "coding")
        return !codings.isEmpty && codings.allSatisfy { $0.child("system")?.value == system }
    }

    /// The warning for a contradicted binding.
    func bindingConflict(_ e: Element, _ def: ProfileNode, _ profile: CompiledProfile, system: String,
                         valueSet: String, at path: String) -> Issue {
        Issue(.warning, .invalid, rule: "profile.binding-conflict",
              "\(label(def, profile)) fixes the coding system to '\(system)', which its bound value set '\(valueSet)' "
                + "does not include: no value can satisfy both, so the binding is not checked (a defect of the profile)",
              path: path, position: e.position)
    }
}
