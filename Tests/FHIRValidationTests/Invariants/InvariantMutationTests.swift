import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// One invariant broken at a time in the valid sample `Samples/nems-vaccination-new.xml` (entries:
/// 0 MessageHeader, 1 Immunization, 2 Patient, 3 Organization); each must be found by layer 5 with
/// its rule id at its path, and no other error may appear.
final class InvariantMutationTests: XCTestCase {
    static let patient = [("entry", 2), ("resource", 0)]

    @discardableResult
    func assertFinds(_ expected: [String], file: StaticString = #filePath, line: UInt = #line,
                     _ mutate: (inout Element) -> Void) throws -> [Issue] {
        var root = try VT.read(try VT.sample("nems-vaccination-new.xml")).0
        mutate(&root)
        let issues = try VT.validator().validate(root, syntax: .xml)
        let found = VT.errors(issues).map { "\($0.rule) \($0.path ?? "")" }
        XCTAssertEqual(found, expected, file: file, line: line)
        for issue in issues where issue.rule.hasPrefix("invariant.") {
            XCTAssertEqual(issue.type, .invariant, file: file, line: line)
        }
        return issues
    }

    static func organization(_ id: String, _ extra: [Element] = []) -> Element {
        Element(name: "contained", resourceType: "Organization",
                children: [Element(name: "id", value: id)] + extra + [Element(name: "name", value: "Ward \(id)")])
    }

    static func reference(_ target: String) -> Element {
        Element(name: "managingOrganization", children: [Element(name: "reference", value: target)])
    }

    func testNestedContained() throws {
        // dom-2 on the Patient; the nested resource is referenced from nowhere, so dom-3 on the
        // contained Organization that holds it.
        let issues = try assertFinds(["invariant.dom-2 Bundle.entry[2].resource",
                                      "invariant.dom-3 Bundle.entry[2].resource.contained[0]"]) { root in
            root.edit(Self.patient) { p in
                var outer = Self.organization("c1")
                outer.children.insert(Self.organization("c2"), at: 1)
                p.children.insert(outer, at: 2)
                p.children.append(Self.reference("#c1"))
            }
        }
        XCTAssertTrue(issues.first { $0.rule == "invariant.dom-2" }?.message.contains("contained.contained.empty()") == true)
    }

    func testContainedVersionId() throws {
        try assertFinds(["invariant.dom-4 Bundle.entry[2].resource"]) { root in
            root.edit(Self.patient) { p in
                let meta = Element(name: "meta", children: [Element(name: "versionId", value: "3")])
                p.children.insert(Self.organization("c1", [meta]), at: 2)
                p.children.append(Self.reference("#c1"))
            }
        }
    }

    func testUnreferencedContained() throws {
        try assertFinds(["invariant.dom-3 Bundle.entry[2].resource"]) { root in
            root.edit(Self.patient) { p in p.children.insert(Self.organization("c1"), at: 2) }
        }
    }

    func testRequestInAMessageBundle() throws {
        try assertFinds(["invariant.bdl-3 Bundle"]) { root in
            root.edit([("entry", 3)]) { entry in
                entry.children.append(Element(name: "request", children: [
                    Element(name: "method", value: "POST"), Element(name: "url", value: "Organization"),
                ]))
            }
        }
    }

    func testQuantityCodeWithoutSystem() throws {
        let issues = try assertFinds(["invariant.qty-3 Bundle.entry[1].resource.doseQuantity"]) { root in
            root.edit([("entry", 1), ("resource", 0), ("doseQuantity", 0)]) { q in q.children.remove(at: q.positionOfChild("system")) }
        }
        // The element's own position in the sample: its <doseQuantity> line.
        let text = String(decoding: try VT.sample("nems-vaccination-new.xml"), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let index: Int? = lines.firstIndex { $0.contains("<doseQuantity>") }
        XCTAssertEqual(issues.first { $0.rule == "invariant.qty-3" }?.position?.line, index.map { Int32($0 + 1) })
        XCTAssertEqual(issues.first { $0.rule == "invariant.qty-3" }?.severity, .error)
    }

    func testPeriodEndingBeforeItStarts() throws {
        // Different precisions, but the years already decide: 2026-01-01 is after 2025-12.
        try assertFinds(["invariant.per-1 Bundle.entry[2].resource.name[0].period"]) { root in
            root.edit(Self.patient + [("name", 0)]) { name in
                name.children.append(Element(name: "period", children: [
                    Element(name: "start", value: "2026-01-01"), Element(name: "end", value: "2025-12"),
                ]))
            }
        }
    }

    func testPeriodOfUnknownOrderIsNoError() throws {
        // 2025-12-05 and 2025-12 agree as far as both go: FHIRPath cannot order them, so no per-1.
        try assertFinds([]) { root in
            root.edit(Self.patient + [("name", 0)]) { name in
                name.children.append(Element(name: "period", children: [
                    Element(name: "start", value: "2025-12-05"), Element(name: "end", value: "2025-12"),
                ]))
            }
        }
    }

    func testExtensionWithValueAndExtensions() throws {
        try assertFinds(["invariant.ext-1 Bundle.entry[2].resource.birthDate.extension[0]"]) { root in
            root.edit(Self.patient + [("birthDate", 0), ("extension", 0)]) { ext in
                ext.children.insert(Element(name: "extension", url: "http://example.org/note",
                                            children: [Element(name: "valueString", value: "x")]), at: 0)
            }
        }
    }

    func testContactWithoutDetails() throws {
        // CareConnect-Patient-1 also requires the contact's name (layer 2).
        try assertFinds(["profile.min Bundle.entry[2].resource.contact[0].name",
                         "invariant.pat-1 Bundle.entry[2].resource.contact[0]"]) { root in
            root.edit(Self.patient) { p in
                p.children.insert(Element(name: "contact", children: [Element(name: "gender", value: "male")]),
                                  at: p.positionOfChild("generalPractitioner"))
            }
        }
    }

    func testBlankNarrative() throws {
        // txt-1 and txt-2 share one expression (htmlchecks()); a div of white space fails both.
        try assertFinds(["invariant.txt-1 Bundle.entry[2].resource.text.div",
                         "invariant.txt-2 Bundle.entry[2].resource.text.div"]) { root in
            root.edit(Self.patient) { p in
                p.children.insert(Element(name: "text", children: [
                    Element(name: "status", value: "generated"),
                    Element(name: "div", value: "<div xmlns=\"http://www.w3.org/1999/xhtml\">  </div>"),
                ]), at: 2)
            }
        }
    }

    func testOutsideReferenceIsNotEvaluatedNotPassed() throws {
        // ctm-1 resolves CareTeam.participant.member; a member outside the message leaves it unknown.
        var root = try VT.read(try VT.sample("nems-vaccination-new.xml")).0
        let team = Element(name: "resource", resourceType: "CareTeam", children: [
            Element(name: "participant", children: [
                Element(name: "member", children: [Element(name: "reference", value: "https://elsewhere.example/Device/1")]),
                Element(name: "onBehalfOf", children: [Element(name: "reference", value: "urn:uuid:9c1e7f4a-2b3d-4e5f-8a9b-0c1d2e3f4a5b")]),
            ]),
        ])
        root.children.append(Element(name: "entry", children: [
            Element(name: "fullUrl", value: "urn:uuid:11111111-2222-4333-8444-555555555555"), team,
        ]))
        let issues = try VT.validator().validate(root, syntax: .xml).filter { $0.rule.hasPrefix("invariant.") }
        XCTAssertEqual(issues.map { "\($0.severity) \($0.rule) \($0.path ?? "")" },
                       ["information invariant.not-evaluated Bundle.entry[7].resource.participant[0]"])
        XCTAssertTrue(issues.first?.message.contains("ctm-1") == true)
    }
}
