import XCTest
import Foundation
import FHIRModel
import FHIRConversion
import ChildHealthEvents
import MessageChecking
import DCHTestSupport
@testable import FHIRValidation

/// Every kind of ``MutationCatalogue`` applied to every message of the corpus and of `Samples/`
/// that the full validator (all layers and the event rules, as `dch validate` runs them) finds
/// valid: each defect must be reported with its rule at its path, and the errors reported must
/// be exactly those the kind expects and the consequences it declares. Places and expectations
/// come from the raw StructureDefinitions (``RawDefinitionLibrary``), not from the validator.
final class MutationCatalogueTests: XCTestCase {
    /// The full validator and the valid messages, made once for the class.
    struct Fixture {
        let validator: Validator
        let definitions: RawDefinitionLibrary
        let tools: MutationTools
        let targets: [MutationTarget]
        /// Messages read but left out because the validator finds errors in them as they are.
        let invalidCount: Int
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: Fixture?

    static func fixture() throws -> Fixture {
        if let known = lock.withLock({ cached }) { return known }
        let root = try SharedCorpus.require()
        let pack = try SharedCorpus.definitionPack()
        let catalogueURL = SharedCorpus.schemas.appendingPathComponent(EventCatalogue.fileName)
        guard let catalogueData = FileManager.default.contents(atPath: catalogueURL.path) else {
            throw Prerequisite.missing("Schemas/\(EventCatalogue.fileName) is absent; run scripts/regenerate-pack")
        }
        let events = EventRules(catalogue: try EventCatalogue(data: catalogueData), pack: pack)
        let validator = Validator(pack: pack, options: ValidationOptions(ruleSets: [events]))
        let definitions = try RawDefinitionLibrary(sharedRoot: root)
        let tools = MutationTools(definitions: definitions, events: events, dataItems: try EventPageDataItems(sharedRoot: root))
        var files: [URL] = []
        for folder in ["corpus/nhs-stu3-assets/Examples", "corpus/nems-examples"] {
            for ext in ["xml", "json"] { files += try SharedCorpus.files(folder, extension: ext) }
        }
        let samples = SharedCorpus.packageRoot.appendingPathComponent("Samples")
        files += try FileManager.default.contentsOfDirectory(at: samples, includingPropertiesForKeys: nil)
            .filter { ["xml", "json"].contains($0.pathExtension) }.sorted { $0.path < $1.path }
        var targets: [MutationTarget] = []
        var invalid = 0
        for url in files {
            // Files our reader refuses (e.g. DSTU2 content) are not valid messages either.
            guard let (tree, syntax) = try? VT.read(try Data(contentsOf: url)),
                  VT.errors(validator.validate(tree, syntax: syntax)).isEmpty else {
                invalid += 1
                continue
            }
            let name = url.path.replacingOccurrences(of: root.path + "/", with: "")
                .replacingOccurrences(of: SharedCorpus.packageRoot.path + "/", with: "")
            targets.append(try tools.target(name: name, seed: targets.count, root: tree, syntax: syntax))
        }
        let made = Fixture(validator: validator, definitions: definitions, tools: tools, targets: targets, invalidCount: invalid)
        lock.withLock { cached = made }
        return made
    }

    func testCatalogueHasTwentyKindsOrMoreWithDistinctNames() {
        let names = MutationCatalogue.kinds.map(\.name)
        XCTAssertGreaterThanOrEqual(names.count, 22)
        XCTAssertEqual(Set(names).count, names.count, "kind names must be distinct")
    }

    func testValidMessagesAreFoundInTheCorpusAndSamples() throws {
        let f = try Self.fixture()
        // Both syntaxes and both sources take part (the corpus has valid XML and JSON messages).
        XCTAssertTrue(f.targets.contains { $0.syntax == .xml && $0.name.hasPrefix("corpus/") })
        XCTAssertTrue(f.targets.contains { $0.syntax == .json && $0.name.hasPrefix("corpus/") })
        XCTAssertTrue(f.targets.contains { $0.name.hasPrefix("Samples/") })
        XCTAssertGreaterThan(f.invalidCount, 0, "the corpus holds known-invalid examples; none was left out")
    }

    /// Rounds of the catalogue per message: each round moves every kind to another of its candidate
    /// places. One by default (the debug suite stays fast); `DCH_MUTATION_ROUNDS=20 swift test
    /// --filter MutationCatalogueTests` explores further.
    static var rounds: Int {
        ProcessInfo.processInfo.environment["DCH_MUTATION_ROUNDS"].flatMap(Int.init).map { max($0, 1) } ?? 1
    }

    /// Found by the catalogue (`DCH_MUTATION_ROUNDS=30`): a reference whose target type only the
    /// base definition restricts, in a resource whose profile repeats that restriction unchanged,
    /// was checked by no layer (layer 1 does not resolve references; the profile walk skipped the
    /// element as saying no more than the base).
    func testBaseTargetTypeIsCheckedWhereTheProfileRepeatsIt() throws {
        let f = try Self.fixture()
        guard let target = f.targets.first(where: { $0.name.hasSuffix("nems-examples/vaccinations-1-notgiven-new.xml") }) else {
            return XCTFail("vaccinations-1-notgiven-new.xml is not among the valid messages")
        }
        // entry[4] is a HealthcareService (CareConnect-HealthcareService-1: providedBy as in the
        // base, Reference(Organization)); entry[0] is the MessageHeader.
        guard let site = target.sites.first(where: { $0.path == "Bundle.entry[4].resource.providedBy.reference" }),
              let header = target.entries.first?.fullUrl else { return XCTFail("no providedBy in entry 4") }
        var mutated = target.root
        mutated.modify(at: site.location) { $0.value = header }
        let issues = f.validator.validate(mutated, syntax: target.syntax)
        XCTAssertEqual(VT.errors(issues).filter { $0.rule.hasPrefix("profile.") }.map { "\($0.rule) \($0.path ?? "")" },
                       ["profile.target-type Bundle.entry[4].resource.providedBy.reference"])
    }

    /// The same gap where no profile is walked at all: a resource that claims none still has its
    /// base definition's target types checked (Immunization.patient: Reference(Patient)).
    func testBaseTargetTypeIsCheckedWithoutAProfile() throws {
        let f = try Self.fixture()
        var (root, _) = try VT.read(try VT.sample("nems-vaccination-new.xml"))
        // entry[1]: the Immunization, its profile claim removed; entry[3]: an Organization.
        let organization = try XCTUnwrap(root.children(named: "entry")[3].child("fullUrl")?.value)
        root.edit([("entry", 1), ("resource", 0)]) { immunization in
            immunization.children.removeAll { $0.name == "meta" }
            immunization.edit([("patient", 0), ("reference", 0)]) { $0.value = organization }
        }
        let issues = f.validator.validate(root, syntax: .xml)
        XCTAssertTrue(issues.contains { $0.rule == "profile.target-type" && $0.path == "Bundle.entry[1].resource.patient.reference" },
                      issues.map { "\($0.rule) \($0.path ?? "")" }.joined(separator: "\n"))
    }

    /// The catalogue over every valid message: each application must be found (rule and path)
    /// as an error, and the message's errors must then be exactly the expected findings plus the
    /// consequences the kind declares; any other error fails, listed. Warnings and information
    /// are not compared: a defect may well change them (a display no longer matched, a binding
    /// that can no longer be checked), and they do not make a message invalid. Every kind must
    /// find a place in at least one message. The test prints how many messages each kind applied
    /// to and which declared consequences occurred.
    func testEveryMutationIsFoundAtItsPathAndNothingElse() throws {
        let f = try Self.fixture()
        var applied: [String: Int] = [:]
        var failures: [String] = []
        var consequencesSeen: [String: Set<String>] = [:]
        var reported = Set<String>()
        for (original, round) in f.targets.flatMap({ t in (0..<Self.rounds).map { (t, $0) } }) {
            var target = original
            // Seeds of one message's rounds differ by one: consecutive candidates.
            target.seed += round
            for kind in MutationCatalogue.kinds {
                var mutated = target.root
                guard let mutation = try kind.apply(target, &mutated) else { continue }
                applied[kind.name, default: 0] += 1
                let issues = f.validator.validate(mutated, syntax: target.syntax)
                reported.formUnion(issues.lazy.map(\.rule))
                let errors = Set(VT.errors(issues).map { ExpectedFinding(rule: $0.rule, path: $0.path ?? "-") })
                let missing = mutation.expected.filter { !errors.contains($0) }
                let declared = Set(mutation.expected + mutation.consequences.map(\.finding))
                let extra = errors.subtracting(declared)
                for c in mutation.consequences where errors.contains(c.finding) {
                    consequencesSeen[kind.name, default: []].insert(c.finding.rule)
                }
                if !missing.isEmpty || !extra.isEmpty {
                    let listed = issues.filter { $0.severity >= .error }.map { "    \($0.rule) \($0.path ?? "-"): \($0.message)" }
                    failures.append("\(kind.name) on \(target.name): expected \(mutation.expected)"
                                    + (missing.isEmpty ? "" : "; not reported: \(missing)")
                                    + (extra.isEmpty ? "" : "; unexpected: \(extra.map(\.description).sorted())")
                                    + "; errors:\n" + listed.joined(separator: "\n"))
                }
            }
        }
        for failure in failures { XCTFail(failure) }
        XCTAssertEqual(reported.filter { ValidationRules.description(of: $0) == nil }, [],
                       "every rule a mutation makes the validator report is in a layer's registry")
        for kind in MutationCatalogue.kinds {
            XCTAssertGreaterThan(applied[kind.name, default: 0], 0, "kind \(kind.name) found no place in any valid message")
        }
        let summary = MutationCatalogue.kinds.map { "\($0.name): \(applied[$0.name, default: 0])" }
        print("mutation catalogue over \(f.targets.count) valid messages (\(applied.values.reduce(0, +)) applications): "
              + summary.joined(separator: ", "))
        print("declared consequences that occurred: " + MutationCatalogue.kinds.compactMap { kind in
            consequencesSeen[kind.name].map { "\(kind.name): \($0.sorted().joined(separator: " "))" }
        }.joined(separator: "; "))
    }
}
