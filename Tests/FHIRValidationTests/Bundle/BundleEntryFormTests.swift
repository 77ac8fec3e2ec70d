import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// Issue 11's missed defects in Bundles and identifiers, each found in XML and JSON alike, with its
/// rule, path and position: fullUrl forms, message entries without fullUrl or id, business
/// identifiers shared by two resources of one type, and `urn:ietf:rfc:3986` identifier values.
/// `nems-vaccination-new.xml` entries: 0 MessageHeader, 1 Immunization, 2 Patient, 3 Organization,
/// 4 Practitioner, 5 PractitionerRole, 6 Location.
final class BundleEntryFormTests: XCTestCase {
    static let rules: Set<String> = ["value.uri", "bundle.fullurl-absolute", "bundle.fullurl-missing",
                                     "bundle.resource-id-missing", "bundle.identifier-duplicate",
                                     "value.identifier-rfc3986"]

    func sample() throws -> Element {
        try VT.read(try VT.sample("nems-vaccination-new.xml")).0
    }

    static func resource(_ entry: Int) -> [(String, Int)] { [("entry", entry), ("resource", 0)] }

    /// The issues of the rules above, as `severity rule path`, after `mutate`; the same in XML and
    /// JSON (each written by our converter and read back), every one with a position.
    func findings(file: StaticString = #filePath, line: UInt = #line,
                  _ mutate: (inout Element) -> Void) throws -> [Issue] {
        var root = try sample()
        mutate(&root)
        let both = try BothSyntaxes.validate(root)
        let picked = both.map { $0.1.filter { Self.rules.contains($0.rule) } }
        XCTAssertEqual(picked[0].map(Self.line), picked[1].map(Self.line), "XML and JSON differ", file: file, line: line)
        XCTAssertEqual(picked[0].map(\.message), picked[1].map(\.message), file: file, line: line)
        XCTAssertTrue(picked.joined().allSatisfy { $0.position != nil }, "every issue has a position", file: file, line: line)
        return picked[0]
    }

    func assertFindings(_ expected: [String], file: StaticString = #filePath, line: UInt = #line,
                        _ mutate: (inout Element) -> Void) throws {
        XCTAssertEqual(try findings(file: file, line: line, mutate).map(Self.line), expected, file: file, line: line)
    }

    static func line(_ i: Issue) -> String { "\(i.severity.rawValue) \(i.rule) \(i.path ?? "")" }

    func testSampleHasNone() throws {
        try assertFindings([]) { _ in }
    }

    // MARK: fullUrl

    func testFullUrlForms() throws {
        let practitioner = "103d5223-6801-4f5d-afef-a9193e245e95"
        let bad: [(String, [String], String)] = [
            ("Practitioner/\(practitioner)", ["error bundle.fullurl-absolute Bundle.entry[4].fullUrl"], "is not absolute"),
            (practitioner, ["error bundle.fullurl-absolute Bundle.entry[4].fullUrl"], "is a bare UUID: expected urn:uuid:\(practitioner)"),
            ("urn:uuid:not-a-uuid", ["error bundle.fullurl-absolute Bundle.entry[4].fullUrl"], "urn:uuid: followed by a UUID"),
            ("urn:uuid:\(practitioner)0", ["error bundle.fullurl-absolute Bundle.entry[4].fullUrl"], "urn:uuid: followed by a UUID"),
            ("urn:oid:1.02", ["error bundle.fullurl-absolute Bundle.entry[4].fullUrl"], "urn:oid: followed by an OID"),
            ("[baseURL]/Practitioner/\(practitioner)", ["error value.uri Bundle.entry[4].fullUrl",
                                                        "error bundle.fullurl-absolute Bundle.entry[4].fullUrl"], "is not absolute"),
        ]
        for (url, expected, words) in bad {
            let issues = try findings { root in root.edit([("entry", 4), ("fullUrl", 0)]) { $0.value = url } }
            XCTAssertEqual(issues.map(Self.line), expected, url)
            XCTAssertTrue(issues.last?.message.contains(words) == true, issues.last?.message ?? url)
        }
        // Absolute URLs, OIDs and UUIDs in either case are fine.
        for url in ["https://example.org/fhir/Practitioner/\(practitioner)", "urn:oid:1.2.826.0.1", "urn:uuid:\(practitioner.uppercased())",
                    "tag:example.org,2026:practitioner"] {
            try assertFindings([]) { root in root.edit([("entry", 4), ("fullUrl", 0)]) { $0.value = url } }
        }
        // Any Bundle type: a collection's fullUrls are absolute URLs too.
        try assertFindings(["error bundle.fullurl-absolute Bundle.entry[4].fullUrl"]) { root in
            root.edit([("type", 0)]) { $0.value = "collection" }
            root.edit([("entry", 4), ("fullUrl", 0)]) { $0.value = "Practitioner/1" }
        }
    }

    func testMessageEntryWithoutFullUrl() throws {
        let issues = try findings { root in
            root.edit([("entry", 6)]) { $0.children.removeAll { $0.name == "fullUrl" } }
        }
        XCTAssertEqual(issues.map(Self.line), ["error bundle.fullurl-missing Bundle.entry[6]"])
        XCTAssertTrue(issues.first?.message.contains("nothing in the message can reference its Location") == true,
                      issues.first?.message ?? "")
        // A collection may leave it out (FHIR lets POSTs and operation results do so).
        try assertFindings([]) { root in
            root.edit([("type", 0)]) { $0.value = "collection" }
            root.edit([("entry", 6)]) { $0.children.removeAll { $0.name == "fullUrl" } }
        }
        // A fullUrl that carries only an extension still gives nothing to reference.
        try assertFindings(["error bundle.fullurl-missing Bundle.entry[6]"]) { root in
            root.edit([("entry", 6), ("fullUrl", 0)]) {
                $0.value = nil
                $0.children = [Element(name: "extension", url: "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                                       children: [Element(name: "valueCode", value: "unknown")])]
            }
        }
    }

    func testMessageResourceWithoutID() throws {
        let issues = try findings { root in
            root.edit(Self.resource(6)) { $0.children.removeAll { $0.name == "id" } }
        }
        XCTAssertEqual(issues.map(Self.line), ["warning bundle.resource-id-missing Bundle.entry[6].resource"])
        XCTAssertTrue(issues.first?.message.contains("the Location has no id") == true, issues.first?.message ?? "")
        try assertFindings([]) { root in
            root.edit([("type", 0)]) { $0.value = "collection" }
            root.edit(Self.resource(6)) { $0.children.removeAll { $0.name == "id" } }
        }
    }

    // MARK: business identifiers

    /// The Patient (entry 2) copied as a new last entry with its own fullUrl and id.
    static func secondPatient(_ root: inout Element, fullUrl: String = "urn:uuid:0e0e0e0e-0000-4000-8000-000000000001",
                              id: String = "0e0e0e0e-0000-4000-8000-000000000001") {
        let entries = root.children.indices.filter { root.children[$0].name == "entry" }
        var copy = root.children[entries[2]]
        copy.edit([("fullUrl", 0)]) { $0.value = fullUrl }
        copy.edit([("resource", 0), ("id", 0)]) { $0.value = id }
        root.children.insert(copy, at: entries.last! + 1)
    }

    func testSameIdentifierOnTwoPatients() throws {
        let issues = try findings { Self.secondPatient(&$0) }
        XCTAssertEqual(issues.map(Self.line), ["warning bundle.identifier-duplicate Bundle.entry[7].resource.identifier[0]"])
        let message = try XCTUnwrap(issues.first?.message)
        XCTAssertTrue(message.contains("https://fhir.nhs.uk/Id/nhs-number|9990000026"), message)
        XCTAssertTrue(message.contains("Bundle.entry[2].resource.identifier[0], another Patient"), message)
    }

    func testSameResourceTwiceIsNotTwoResources() throws {
        // The same fullUrl (bdl-7 allows it with different versionIds), or the same id.
        try assertFindings([]) { root in
            Self.secondPatient(&root, fullUrl: "urn:uuid:2d4f6a8c-0e1f-4a2b-8c3d-4e5f6a7b8c9d")
            let entries = root.children.indices.filter { root.children[$0].name == "entry" }
            // meta.versionId 1 and 2 (versionId is Meta's first element).
            root.children[entries[2]].edit([("resource", 0), ("meta", 0)]) { $0.children.insert(Element(name: "versionId", value: "1"), at: 0) }
            root.children[entries.last!].edit([("resource", 0), ("meta", 0)]) { $0.children.insert(Element(name: "versionId", value: "2"), at: 0) }
        }
        try assertFindings([]) { Self.secondPatient(&$0, id: "2d4f6a8c-0e1f-4a2b-8c3d-4e5f6a7b8c9d") }
    }

    func testDifferentTypesMayShareAnIdentifier() throws {
        // The Practitioner takes the Organization's identifier; a collection may hold two Patients.
        try assertFindings([]) { root in
            root.edit(Self.resource(4) + [("identifier", 0), ("system", 0)]) { $0.value = "https://fhir.nhs.uk/Id/ods-organization-code" }
            root.edit(Self.resource(4) + [("identifier", 0), ("value", 0)]) { $0.value = "Y99001" }
        }
        try assertFindings([]) { root in
            Self.secondPatient(&root)
            root.edit([("type", 0)]) { $0.value = "collection" }
        }
        // Another value, or another system, is another identifier.
        try assertFindings([]) { root in
            Self.secondPatient(&root)
            root.edit(Self.resource(7) + [("identifier", 0), ("value", 0)]) { $0.value = "9990000034" }
        }
    }

    func testManyResourcesSharingOneIdentifierStayLinear() throws {
        // 300 Location copies with one identifier: past the pairwise limit, each copy reported once
        // against the first; with distinct values, nothing.
        func locations(distinct: Bool) throws -> [Issue] {
            var root = try sample()
            let entries = root.children.indices.filter { root.children[$0].name == "entry" }
            var template = root.children[entries[6]]
            template.edit([("resource", 0)]) { r in
                r.children.insert(Element(name: "identifier", children: [
                    Element(name: "system", value: "https://example.org/Id/location"), Element(name: "value", value: "L1"),
                ]), at: r.positionOfChild("id") + 1)
            }
            var copies: [Element] = []
            for k in 0..<300 {
                var copy = template
                let uuid = String(format: "0e0e0e0e-0000-4000-8000-%012d", k)
                copy.edit([("fullUrl", 0)]) { $0.value = "urn:uuid:" + uuid }
                copy.edit([("resource", 0), ("id", 0)]) { $0.value = uuid }
                if distinct { copy.edit([("resource", 0), ("identifier", 0), ("value", 0)]) { $0.value = "L\(k)" } }
                copies.append(copy)
            }
            root.children.insert(contentsOf: copies, at: entries.last! + 1)
            return try VT.validator().validate(root, syntax: .xml).filter { $0.rule == "bundle.identifier-duplicate" }
        }
        let same = try locations(distinct: false)
        XCTAssertEqual(same.count, 299)
        XCTAssertEqual(same.first?.path, "Bundle.entry[8].resource.identifier[0]")
        XCTAssertTrue(same.allSatisfy { $0.message.contains("Bundle.entry[7].resource.identifier[0]") })
        XCTAssertEqual(try locations(distinct: true), [])
    }

    // MARK: urn:ietf:rfc:3986 identifiers

    func testRFC3986IdentifierNeedsAnAbsoluteURI() throws {
        let uuid = "6F2A9D1C-3E4B-4C5D-9E6F-7A8B9C0D1E2F"
        let cases: [(String, String?)] = [
            (uuid, "it is a bare UUID; expected urn:uuid:\(uuid.lowercased())"),
            ("2.16.840.1.113883", "it is a bare OID; expected urn:oid:2.16.840.1.113883"),
            ("Immunization/1", "it has no scheme"),
            ("urn:uuid:x y", "' ' at character 11 is whitespace"),
            ("urn:uuid:\(uuid.lowercased())", nil),
            ("urn:oid:2.16.840.1.113883", nil),
            ("https://riverside.example.nhs.uk/imm/1", nil),
        ]
        for (value, problem) in cases {
            let issues = try findings { root in
                root.edit(Self.resource(1) + [("identifier", 0), ("system", 0)]) { $0.value = "urn:ietf:rfc:3986" }
                root.edit(Self.resource(1) + [("identifier", 0), ("value", 0)]) { $0.value = value }
            }
            XCTAssertEqual(issues.map(Self.line), problem == nil ? [] : ["error value.identifier-rfc3986 Bundle.entry[1].resource.identifier[0].value"],
                           value)
            if let problem { XCTAssertTrue(issues.first?.message.contains(problem) == true, issues.first?.message ?? value) }
        }
        // Another system leaves the value alone.
        try assertFindings([]) { root in root.edit(Self.resource(1) + [("identifier", 0), ("value", 0)]) { $0.value = uuid } }
    }

    func testRFC3986IdentifierOutsideBundlesAndInDataTypes() throws {
        // A lone Patient, and an Identifier inside a Reference (Reference.identifier).
        let patient = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "identifier", children: [Element(name: "system", value: "urn:ietf:rfc:3986"),
                                                    Element(name: "value", value: "abc")]),
            Element(name: "generalPractitioner", children: [
                Element(name: "identifier", children: [Element(name: "system", value: "urn:ietf:rfc:3986"),
                                                        Element(name: "value", value: "Organization/1")]),
            ]),
        ])
        for (syntax, issues) in try BothSyntaxes.validate(patient) {
            XCTAssertEqual(issues.filter { $0.rule == "value.identifier-rfc3986" }.map(\.path),
                           ["Patient.identifier[0].value", "Patient.generalPractitioner[0].identifier.value"], "\(syntax)")
        }
    }
}
