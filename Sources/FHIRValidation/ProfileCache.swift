import Foundation
import FHIRModel
import FHIRDefinitions

/// Compiled profiles by canonical URL, built on first use and shared by every copy of a validator.
final class ProfileCache: @unchecked Sendable {
    let pack: DefinitionPack
    private let lock = NSLock()
    /// `.none` remembers a URL the pack does not hold.
    private var profiles: [String: CompiledProfile?] = [:]
    /// The first URLs looked up, as written, scanned before ``profiles``: the messages of one
    /// kind name the same few dozen, and comparing lengths (then the one URL of that length)
    /// costs less than hashing a long URL. Capped, so an odd URL later costs a short scan at most.
    private var front: [(url: String, profile: CompiledProfile?)] = []
    private static let frontCapacity = 64
    /// Per reference element: its target profiles' types (nil inside: one is not in the pack).
    private var targetTypes: [ObjectIdentifier: [TargetProfile]?] = [:]

    /// A target profile of a reference and the resource type it constrains.
    struct TargetProfile {
        let profile: CompiledProfile
        var type: String { profile.type }
        var url: String { profile.url }
        /// A core definition: any resource of its type conforms.
        let isCore: Bool
    }

    /// The target profiles of a reference element with their types, worked out once per element
    /// definition; nil when one of them is not in the pack (the allowed types are then unknown).
    func targets(of node: ProfileNode) -> [TargetProfile]? {
        let key = ObjectIdentifier(node)
        if let known = lock.withLock({ targetTypes[key] }) { return known }
        var result: [TargetProfile]? = []
        for url in node.targetProfiles {
            guard let compiled = try? profile(url) else { result = nil; break }
            result?.append(TargetProfile(profile: compiled, isCore: url.hasPrefix(DefinitionPack.coreStructurePrefix)))
        }
        lock.withLock { targetTypes[key] = .some(result) }
        return result
    }

    init(pack: DefinitionPack) {
        self.pack = pack
    }

    /// The compiled profile of a StructureDefinition URL (a version suffix `|3.0.1` is ignored),
    /// or nil when the pack has no such definition.
    func profile(_ url: String) throws -> CompiledProfile? {
        // Filed under the URL as written too, so the usual lookup is one dictionary probe.
        let length = url.utf8.count
        let found: CompiledProfile?? = lock.withLock {
            for f in front where f.url.utf8.count == length && f.url == url { return .some(f.profile) }
            return profiles[url]
        }
        if let known = found { return known }
        let key = Self.canonical(url)
        if let known = lock.withLock({ profiles[key] }) {
            lock.withLock { file(known, under: url) }
            return known
        }
        let compiled = try pack.structure(url: key).flatMap { ProfileCompiler.compile($0, pack: pack) }
        lock.withLock {
            profiles[key] = .some(compiled)
            file(compiled, under: url)
        }
        return compiled
    }

    /// Files a lookup's answer under the URL as written (the lock held).
    private func file(_ profile: CompiledProfile?, under url: String) {
        if profiles.updateValue(profile, forKey: url) == nil && front.count < Self.frontCapacity {
            front.append((url, profile))
        }
    }

    /// The URL the pack files a profile under: without a `|version` suffix, and with the STU3
    /// publication address of a core definition (`http://hl7.org/fhir/STU3/StructureDefinition/Bundle`,
    /// which NEMS messages claim, also over https) mapped to its canonical URL.
    static func canonical(_ url: String) -> String {
        var key = url.firstIndex(of: "|").map { String(url[..<$0]) } ?? url
        for prefix in ["http://hl7.org/fhir/STU3/StructureDefinition/", "https://hl7.org/fhir/STU3/StructureDefinition/",
                       "https://hl7.org/fhir/StructureDefinition/"] where key.hasPrefix(prefix) {
            key = DefinitionPack.coreStructurePrefix + key.dropFirst(prefix.count)
        }
        return key
    }
}
