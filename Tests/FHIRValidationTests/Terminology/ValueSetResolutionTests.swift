import XCTest
import Foundation
import FHIRDefinitions
import FHIRValidation
import DCHTestSupport

/// Value set resolution (layer 3): compositions of the shipped pack, then hostile definitions
/// written into a pack of our own (cycles, contradictions, what cannot be told).
final class ValueSetResolutionTests: XCTestCase {
    override class func tearDown() {
        HostilePack.remove()
        super.tearDown()
    }

    func shipped() throws -> TerminologyResolver {
        TerminologyResolver(pack: try SharedCorpus.definitionPack())
    }

    func vs(_ resolver: TerminologyResolver, _ url: String, file: StaticString = #filePath, line: UInt = #line) throws -> ValueSetExpansion {
        try XCTUnwrap(try resolver.valueSet(url: url), "\(url) is not in the pack", file: file, line: line)
    }

    func isUndecided(_ m: Membership) -> Bool {
        if case .cannotTell = m { return true } else { return false }
    }

    // MARK: The shipped pack

    func testWholeCodeSystem() throws {
        let bundleType = try vs(try shipped(), "http://hl7.org/fhir/ValueSet/bundle-type")
        XCTAssertEqual(bundleType.contains(system: "http://hl7.org/fhir/bundle-type", code: "message"), .member)
        XCTAssertEqual(bundleType.contains(system: nil, code: "collection"), .member)
        XCTAssertEqual(bundleType.contains(system: nil, code: "messages"), .notMember)
        // bundle-type is case sensitive: 'Message' is another code.
        XCTAssertEqual(bundleType.contains(system: nil, code: "Message"), .notMember)
        XCTAssertEqual(bundleType.contains(system: "http://hl7.org/fhir/v3/ActCode", code: "message"), .notMember)
    }

    func testListedConcepts() throws {
        // ConfidentialityClassification lists U L M N R V of v3 Confidentiality, not the rest of that system.
        let vs = try vs(try shipped(), "http://hl7.org/fhir/ValueSet/v3-ConfidentialityClassification")
        XCTAssertEqual(vs.contains(system: "http://hl7.org/fhir/v3/Confidentiality", code: "R"), .member)
        XCTAssertEqual(vs.contains(system: "http://hl7.org/fhir/v3/Confidentiality", code: "HIV"), .notMember)
        XCTAssertEqual(vs.contains(system: "http://hl7.org/fhir/v3/Confidentiality", code: "_Confidentiality"), .notMember)
    }

    func testIsAFilter() throws {
        // PurposeOfUse = is-a PurposeOfUse in v3 ActReason (42 codes below it).
        let vs = try vs(try shipped(), "http://hl7.org/fhir/ValueSet/v3-PurposeOfUse")
        let actReason = "http://hl7.org/fhir/v3/ActReason"
        XCTAssertEqual(vs.contains(system: actReason, code: "TREAT"), .member)
        XCTAssertEqual(vs.contains(system: actReason, code: "HMARKT"), .member)
        XCTAssertEqual(vs.contains(system: actReason, code: "PurposeOfUse"), .member, "is-a includes the code itself")
        XCTAssertEqual(vs.contains(system: actReason, code: "MEDNEC"), .notMember, "an ActReason outside PurposeOfUse")
    }

    func testIsAFilterWithExclude() throws {
        // ActEncounterCode = is-a _ActEncounterCode, minus _ActEncounterCode itself.
        let vs = try vs(try shipped(), "http://hl7.org/fhir/ValueSet/v3-ActEncounterCode")
        XCTAssertEqual(vs.contains(system: "http://hl7.org/fhir/v3/ActCode", code: "AMB"), .member)
        XCTAssertEqual(vs.contains(system: "http://hl7.org/fhir/v3/ActCode", code: "_ActEncounterCode"), .notMember)
        // The NHS ITK examples write this system URL, which no code system has.
        XCTAssertEqual(vs.contains(system: "http://hl7.org/fhir/v3-ActEncounterCode", code: "AMB"), .notMember)
    }

    func testImportedValueSets() throws {
        // security-labels imports six value sets, ConfidentialityClassification among them.
        let vs = try vs(try shipped(), "http://hl7.org/fhir/ValueSet/security-labels")
        XCTAssertEqual(vs.contains(system: "http://hl7.org/fhir/v3/Confidentiality", code: "N"), .member)
        XCTAssertEqual(vs.contains(system: "http://hl7.org/fhir/v3/Confidentiality", code: "HIV"), .notMember)
    }

    func testCaseInsensitiveSystem() throws {
        // v2 0131 says caseSensitive false: 'n' is 'N' (Next-of-Kin).
        let resolver = try shipped()
        let vs = try vs(resolver, "http://hl7.org/fhir/ValueSet/v2-0131")
        XCTAssertEqual(vs.contains(system: "http://hl7.org/fhir/v2/0131", code: "n"), .member)
        XCTAssertEqual(vs.contains(system: "http://hl7.org/fhir/v2/0131", code: "N"), .member)
        XCTAssertEqual(vs.contains(system: "http://hl7.org/fhir/v2/0131", code: "Q"), .notMember)
        XCTAssertEqual(try resolver.codeSystem(url: "http://hl7.org/fhir/v2/0131")?.display(of: "n"), "Next-of-Kin")
    }

    func testDescendentOfExcludesTheCodeItself() throws {
        let resolver = TerminologyResolver(pack: try HostilePack.pack())
        let vs = try vs(resolver, "urn:test:vs:below-b")
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "c"), .member)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "b"), .notMember)
    }

    func testSNOMEDCannotBeTold() throws {
        // DCH-Occupation-1 = descendent-of 14679004 in SNOMED CT, which the pack holds no concept of.
        let vs = try vs(try shipped(), "https://fhir.nhs.uk/STU3/ValueSet/DCH-Occupation-1")
        guard case let .cannotTell(why) = vs.contains(system: "http://snomed.info/sct", code: "158965000") else {
            return XCTFail("a SNOMED CT filter cannot be decided offline")
        }
        XCTAssertEqual(why.system, "http://snomed.info/sct")
        XCTAssertTrue(why.reason.contains("SNOMED CT"), why.reason)
        // A code of another system is decided: the value set takes only SNOMED CT.
        XCTAssertEqual(vs.contains(system: "http://loinc.org", code: "1-8"), .notMember)
    }

    func testUnknownValueSetIsNil() throws {
        XCTAssertNil(try shipped().valueSet(url: "http://example.org/ValueSet/none"))
    }

    // MARK: Hostile definitions

    func testCyclicImportsEnd() throws {
        let resolver = TerminologyResolver(pack: try HostilePack.pack())
        let a = try vs(resolver, "urn:test:vs:cycle-a")
        // cycle-b lists 'd' beside its import of cycle-a: found through b.
        XCTAssertEqual(a.contains(system: HostilePack.cs, code: "d"), .member)
        // Anything else meets the import that closes the loop: cannot tell, and it ends.
        guard case let .cannotTell(why) = a.contains(system: HostilePack.cs, code: "a") else {
            return XCTFail("a cyclic import cannot decide")
        }
        XCTAssertTrue(why.reason.contains("cycle"), why.reason)
        let selfImport = try vs(resolver, "urn:test:vs:self")
        XCTAssertTrue(isUndecided(selfImport.contains(system: HostilePack.cs, code: "a")))
    }

    func testCyclicHierarchyEnds() throws {
        let vs = try vs(TerminologyResolver(pack: try HostilePack.pack()), "urn:test:vs:isa-x")
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "x"), .member)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "y"), .member)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "a"), .notMember)
    }

    func testIsAOnOwnHierarchy() throws {
        let vs = try vs(TerminologyResolver(pack: try HostilePack.pack()), "urn:test:vs:isa-b")
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "b"), .member)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "c"), .member)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "a"), .notMember)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "B"), .notMember, "the test system is case sensitive")
    }

    func testContradictoryEqualitiesReadAsAnyOf() throws {
        let vs = try vs(TerminologyResolver(pack: try HostilePack.pack()), "urn:test:vs:eq-a-or-d")
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "a"), .member)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "d"), .member)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "b"), .notMember)
    }

    func testUnsupportedFilterCannotTell() throws {
        let vs = try vs(TerminologyResolver(pack: try HostilePack.pack()), "urn:test:vs:by-class")
        guard case let .cannotTell(why) = vs.contains(system: HostilePack.cs, code: "a") else {
            return XCTFail("a filter on a property the pack does not keep cannot be decided")
        }
        XCTAssertTrue(why.reason.contains("'class'"), why.reason)
    }

    func testFragmentSystem() throws {
        let vs = try vs(TerminologyResolver(pack: try HostilePack.pack()), "urn:test:vs:fragment")
        XCTAssertEqual(vs.contains(system: HostilePack.fragment, code: "f1"), .member)
        XCTAssertTrue(isUndecided(vs.contains(system: HostilePack.fragment, code: "f2")), "a fragment lacks codes")
    }

    func testExcludeThatCannotBeTold() throws {
        let vs = try vs(TerminologyResolver(pack: try HostilePack.pack()), "urn:test:vs:all-minus-class")
        XCTAssertTrue(isUndecided(vs.contains(system: HostilePack.cs, code: "a")))
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "zz"), .notMember, "not in the system at all")
    }

    func testIncludeConditionsIntersect() throws {
        // system urn:test:cs AND value set isa-b: b and c, not d.
        let vs = try vs(TerminologyResolver(pack: try HostilePack.pack()), "urn:test:vs:cs-and-isa-b")
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "c"), .member)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "d"), .notMember)
    }

    func testExpansionFallback() throws {
        let vs = try vs(TerminologyResolver(pack: try HostilePack.pack()), "urn:test:vs:expansion-only")
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "d"), .member)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "a"), .notMember)
    }

    func testRegexFilter() throws {
        let vs = try vs(TerminologyResolver(pack: try HostilePack.pack()), "urn:test:vs:regex")
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "a"), .member)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "b"), .member)
        XCTAssertEqual(vs.contains(system: HostilePack.cs, code: "c"), .notMember)
    }

    func testMissingImportCannotTell() throws {
        let vs = try vs(TerminologyResolver(pack: try HostilePack.pack()), "urn:test:vs:imports-absent")
        guard case let .cannotTell(why) = vs.contains(system: HostilePack.cs, code: "a") else {
            return XCTFail("an import the pack lacks cannot decide")
        }
        XCTAssertTrue(why.reason.contains("urn:test:vs:absent"), why.reason)
    }

    func testCaseInsensitiveWhenTheSystemDoesNotSay() throws {
        let vs = try vs(TerminologyResolver(pack: try HostilePack.pack()), "urn:test:vs:unsaid-case")
        XCTAssertEqual(vs.contains(system: HostilePack.unsaidCase, code: "aBC"), .member)
    }

    /// Many threads compiling and querying one resolver agree with one thread.
    func testConcurrentResolution() throws {
        let pack = try SharedCorpus.definitionPack()
        let urls = ["http://hl7.org/fhir/ValueSet/security-labels", "http://hl7.org/fhir/ValueSet/v3-PurposeOfUse",
                    "http://hl7.org/fhir/ValueSet/v3-ActEncounterCode", "http://hl7.org/fhir/ValueSet/bundle-type"]
        let probes = [("http://hl7.org/fhir/v3/Confidentiality", "N"), ("http://hl7.org/fhir/v3/ActReason", "TREAT"),
                      ("http://hl7.org/fhir/v3/ActCode", "AMB"), ("http://hl7.org/fhir/bundle-type", "message")]
        let serial = TerminologyResolver(pack: pack)
        let expected = try urls.map { url in try probes.map { try serial.valueSet(url: url)!.contains(system: $0.0, code: $0.1) } }
        let shared = TerminologyResolver(pack: pack)
        let lock = NSLock()
        var results: [Int: [Membership]] = [:]
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let url = urls[i % urls.count]
            let found = probes.map { (try? shared.valueSet(url: url))??.contains(system: $0.0, code: $0.1) ?? .notMember }
            lock.withLock { results[i] = found }
        }
        for i in 0..<16 { XCTAssertEqual(results[i], expected[i % urls.count], "thread \(i)") }
    }
}

/// A pack of hostile and edge-case terminology, written with the real pack writer.
enum HostilePack {
    static let cs = "urn:test:cs"
    static let fragment = "urn:test:fragment"
    static let unsaidCase = "urn:test:unsaid-case"

    private static let lock = NSLock()
    nonisolated(unsafe) private static var opened: DefinitionPack?

    private static let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("dch-terminology-hostile-\(ProcessInfo.processInfo.processIdentifier)")

    /// Removes the pack's folder (after the tests that read it).
    static func remove() {
        lock.withLock {
            opened = nil
            try? FileManager.default.removeItem(at: dir)
        }
    }

    static func pack() throws -> DefinitionPack {
        try lock.withLock {
            if let opened { return opened }
            var writer = DefinitionPackWriter()
            for record in codeSystems { try writer.add(record, file: "terminology.ndjson") }
            for record in valueSets { try writer.add(record, file: "terminology.ndjson") }
            try writer.write(to: dir)
            let pack = try DefinitionPack(directory: dir)
            opened = pack
            return pack
        }
    }

    static let codeSystems = [
        // a > b > c, d alone, and x <-> y a parent loop.
        CodeSystemRecord(url: cs, name: "TestSystem", content: "complete", caseSensitive: true, concepts: [
            CodeRecord(code: "a", display: "Alpha"), CodeRecord(code: "b", display: "Beta", parent: "a"),
            CodeRecord(code: "c", parent: "b"), CodeRecord(code: "d"),
            CodeRecord(code: "x", parent: "y"), CodeRecord(code: "y", parent: "x"),
        ]),
        CodeSystemRecord(url: fragment, name: "Fragment", content: "fragment", caseSensitive: true,
                         concepts: [CodeRecord(code: "f1")]),
        CodeSystemRecord(url: unsaidCase, name: "UnsaidCase", content: "complete", caseSensitive: nil,
                         concepts: [CodeRecord(code: "Abc")]),
    ]

    static func include(system: String? = cs, concepts: [String]? = nil, filters: [FilterRecord]? = nil,
                        valueSets: [String]? = nil) -> ValueSetIncludeRecord {
        ValueSetIncludeRecord(system: system, concepts: concepts?.map { CodeRecord(code: $0) }, filters: filters,
                              valueSets: valueSets)
    }

    static func valueSet(_ name: String, _ includes: [ValueSetIncludeRecord], excludes: [ValueSetIncludeRecord]? = nil,
                         expansion: [CodeRecord]? = nil) -> ValueSetRecord {
        ValueSetRecord(url: "urn:test:vs:\(name)", name: name, includes: includes.isEmpty ? nil : includes,
                       excludes: excludes, expansion: expansion)
    }

    static let valueSets = [
        valueSet("cycle-a", [include(system: nil, valueSets: ["urn:test:vs:cycle-b"])]),
        valueSet("cycle-b", [include(system: nil, valueSets: ["urn:test:vs:cycle-a"]), include(concepts: ["d"])]),
        valueSet("self", [include(system: nil, valueSets: ["urn:test:vs:self"])]),
        valueSet("isa-x", [include(filters: [FilterRecord(property: "concept", op: "is-a", value: "x")])]),
        valueSet("isa-b", [include(filters: [FilterRecord(property: "concept", op: "is-a", value: "b")])]),
        valueSet("below-b", [include(filters: [FilterRecord(property: "concept", op: "descendent-of", value: "b")])]),
        valueSet("eq-a-or-d", [include(filters: [FilterRecord(property: "concept", op: "=", value: "a"),
                                                 FilterRecord(property: "concept", op: "=", value: "d")])]),
        valueSet("by-class", [include(filters: [FilterRecord(property: "class", op: "=", value: "z")])]),
        valueSet("fragment", [include(system: fragment)]),
        valueSet("all-minus-class", [include()],
                 excludes: [include(filters: [FilterRecord(property: "class", op: "=", value: "z")])]),
        valueSet("cs-and-isa-b", [include(valueSets: ["urn:test:vs:isa-b"])]),
        valueSet("expansion-only", [], expansion: [CodeRecord(code: "d", system: cs)]),
        valueSet("regex", [include(filters: [FilterRecord(property: "concept", op: "regex", value: "[ab]")])]),
        valueSet("imports-absent", [include(system: nil, valueSets: ["urn:test:vs:absent"])]),
        valueSet("unsaid-case", [include(system: unsaidCase)]),
    ]
}
