import Foundation
import FHIRModel
import FHIRDefinitions

/// Compiled profiles by canonical URL, built on first use and shared by every copy of a validator.
final class ProfileCache: @unchecked Sendable {
    let pack: DefinitionPack
    /// Guards the tables below; threads wait on it for a profile another thread is building.
    private let lock = NSCondition()
    /// `.none` remembers a URL the pack does not hold.
    private var profiles: [String: CompiledProfile?] = [:]
    /// Canonical URLs being built (outside the lock): a second asker waits for the first's result.
    private var building: Set<String> = []
    /// The pack's precompiled profiles; nil to compile every profile from its record.
    private let precompiled: PrecompiledProfiles?

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
        // Kept on the node itself (read and written under the lock): no hashing per reference.
        if let known = lock.withLock({ node.targets }) { return known }
        var result: [TargetProfile]? = []
        for url in node.targetProfiles {
            guard let compiled = try? profile(url) else { result = nil; break }
            result?.append(TargetProfile(profile: compiled, isCore: url.hasPrefix(DefinitionPack.coreStructurePrefix)))
        }
        lock.withLock {
            if node.targets == nil { nodesWithTargets.append(node) }
            node.targets = .some(result)
        }
        return result
    }

    /// The nodes whose ``ProfileNode/targets`` are filled: their profiles refer to one another
    /// through them, so the cache clears them when it goes (else the cycles would outlive it).
    private var nodesWithTargets: [ProfileNode] = []

    /// A cache over `pack`; with `precompiled` false every profile is compiled from its record
    /// (the pack's precompiled profiles are used when it has them and they are current).
    init(pack: DefinitionPack, precompiled: Bool = true) {
        self.pack = pack
        let file = precompiled ? PrecompiledProfiles.of(pack) : nil
        self.precompiled = file?.isEmpty == false ? file : nil
    }

    deinit {
        for node in nodesWithTargets { node.targets = nil }
    }

    /// The compiled profile of a StructureDefinition URL (a version suffix `|3.0.1` is ignored),
    /// or nil when the pack has no such definition.
    func profile(_ url: String) throws -> CompiledProfile? {
        // Filed under the URL as written too, so the usual lookup is one dictionary probe.
        if let known = lock.withLock({ profiles[url] }) { return known }
        let key = Self.canonical(url)
        // Built once per URL, outside the lock (other threads go on with other profiles meanwhile);
        // a thread asking for one being built waits for it: every message must walk the same
        // objects (conformance memos and references key on them), and building twice is waste.
        lock.lock()
        while profiles[key] == nil && building.contains(key) { lock.wait() }
        if let known = profiles[key] {
            profiles[url] = .some(known)
            lock.unlock()
            return known
        }
        building.insert(key)
        lock.unlock()
        let built: CompiledProfile?
        do {
            built = try build(key)
        } catch {
            _ = lock.withLock { building.remove(key) }
            lock.broadcast()
            throw error
        }
        lock.withLock {
            profiles[key] = .some(built)
            profiles[url] = .some(built)
            building.remove(key)
        }
        lock.broadcast()
        return built
    }

    /// The profile of a canonical URL: precompiled when the pack holds it, else compiled from its record.
    private func build(_ key: String) throws -> CompiledProfile? {
        if let precompiled, let entry = try pack.structureEntry(url: key),
           let profile = precompiled.profile(url: key, record: entry) {
            return profile
        }
        return try pack.structure(url: key).flatMap { ProfileCompiler.compile($0, pack: pack) }
    }

    /// The URL the pack files a profile under: without a `|version` suffix, and with the STU3
    /// publication address of a core definition (`http://hl7.org/fhir/STU3/StructureDefinition/Bundle`,
    /// which NEMS messages claim, also over https) mapped to its canonical URL.
    static func canonical(_ url: String) -> String {
        var key = url.utf8.firstIndex(of: UInt8(ascii: "|")).map { String(url[..<$0]) } ?? url
        for prefix in ["http://hl7.org/fhir/STU3/StructureDefinition/", "https://hl7.org/fhir/STU3/StructureDefinition/",
                       "https://hl7.org/fhir/StructureDefinition/"] where key.hasPrefix(prefix) {
            key = DefinitionPack.coreStructurePrefix + key.dropFirst(prefix.count)
        }
        return key
    }
}
