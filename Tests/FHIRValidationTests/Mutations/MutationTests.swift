import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// Defects applied to the valid sample `Samples/nems-vaccination-new.xml` (entries: 0 MessageHeader,
/// 1 Immunization, 2 Patient, 3 Organization, 4 Practitioner, 5 PractitionerRole, 6 Location): each
/// must be found with its rule id at its path.
final class MutationTests: XCTestCase {
    static let sampleName = "nems-vaccination-new.xml"

    func original() throws -> Element {
        try VT.read(try VT.sample(Self.sampleName)).0
    }

    /// Validates a mutated copy; asserts the exact issue is there and no other error appeared.
    @discardableResult
    func assertFinds(_ rule: String, at path: String, severity: Severity = .error, syntax: MessageFormat = .xml,
                     file: StaticString = #filePath, line: UInt = #line,
                     _ mutate: (inout Element) -> Void) throws -> [Issue] {
        var root = try original()
        mutate(&root)
        let issues = try VT.validator().validate(root, syntax: syntax)
        XCTAssertTrue(issues.contains { $0.rule == rule && $0.path == path && $0.severity == severity },
                      "expected \(severity) \(rule) at \(path); found:\n\(issues.map { "\($0.rule) \($0.path ?? "") \($0.message)" }.joined(separator: "\n"))",
                      file: file, line: line)
        let others = VT.errors(issues).filter { !($0.rule == rule && $0.path == path) }
        XCTAssertEqual(others.map { "\($0.rule) \($0.path ?? "")" }, [], "unexpected other errors", file: file, line: line)
        return issues
    }

    static let patient = [("entry", 2), ("resource", 0)]
    static let immunization = [("entry", 1), ("resource", 0)]
    static let organization = [("entry", 3), ("resource", 0)]
    static let practitionerRole = [("entry", 5), ("resource", 0)]

    func testSampleIsValid() throws {
        let issues = try VT.validator().validate(try original(), syntax: .xml)
        XCTAssertEqual(VT.findings(issues).map(\.description), [])
    }

    func testMissingBundleType() throws {
        try assertFinds("struct.min", at: "Bundle.type") { root in
            root.children.remove(at: root.positionOfChild("type"))
        }
    }

    func testMissingCodingInsideRequiredBackbone() throws {
        // MessageHeader.source.endpoint is 1..1.
        try assertFinds("struct.min", at: "Bundle.entry[0].resource.source.endpoint") { root in
            root.edit([("entry", 0), ("resource", 0), ("source", 0)]) { $0.children.remove(at: $0.positionOfChild("endpoint")) }
        }
    }

    func testWrongBirthDateFormat() throws {
        try assertFinds("value.date", at: "Bundle.entry[2].resource.birthDate") { root in
            root.edit(Self.patient + [("birthDate", 0)]) { $0.value = "02/11/2025" }
        }
    }

    func testDayZero() throws {
        try assertFinds("value.date", at: "Bundle.entry[2].resource.birthDate") { root in
            root.edit(Self.patient + [("birthDate", 0)]) { $0.value = "2022-11-00" }
        }
    }

    func testImpossibleDate() throws {
        try assertFinds("value.date", at: "Bundle.entry[2].resource.birthDate") { root in
            root.edit(Self.patient + [("birthDate", 0)]) { $0.value = "2017-02-30" }
        }
    }

    func testDateTimeWithoutZone() throws {
        try assertFinds("value.dateTime", at: "Bundle.entry[1].resource.date") { root in
            root.edit(Self.immunization + [("date", 0)]) { $0.value = "2026-03-14T09:50:00" }
        }
    }

    func testDateTimeInsidePrimitiveExtension() throws {
        try assertFinds("value.dateTime", at: "Bundle.entry[2].resource.birthDate.extension[0].valueDateTime") { root in
            root.edit(Self.patient + [("birthDate", 0), ("extension", 0), ("valueDateTime", 0)]) { $0.value = "2022-11-02T06:40" }
        }
    }

    func testDuplicateMaxOneElement() throws {
        try assertFinds("struct.max", at: "Bundle.entry[2].resource.gender") { root in
            root.edit(Self.patient) { p in
                let i = p.positionOfChild("gender")
                p.children.insert(p.children[i], at: i + 1)
            }
        }
    }

    func testCodingCodeTwice() throws {
        try assertFinds("struct.max", at: "Bundle.entry[1].resource.vaccineCode.coding[0].code") { root in
            root.edit(Self.immunization + [("vaccineCode", 0), ("coding", 0)]) { c in
                let i = c.positionOfChild("code")
                c.children.insert(c.children[i], at: i + 1)
            }
        }
    }

    func testTwoChoiceTypes() throws {
        try assertFinds("struct.max", at: "Bundle.entry[2].resource.birthDate.extension[0].valueString") { root in
            root.edit(Self.patient + [("birthDate", 0), ("extension", 0)]) { $0.children.append(Element(name: "valueString", value: "x")) }
        }
    }

    func testUnknownElement() throws {
        try assertFinds("struct.unknown-element", at: "Bundle.entry[2].resource.nickname") { root in
            root.edit(Self.patient) { $0.children.insert(Element(name: "nickname", value: "Amy"), at: 3) }
        }
    }

    func testSwappedElementOrder() throws {
        let swap: (inout Element) -> Void = { root in
            root.edit(Self.patient) { p in
                let g = p.positionOfChild("gender"), b = p.positionOfChild("birthDate")
                p.children.swapAt(g, b)
            }
        }
        try assertFinds("struct.order", at: "Bundle.entry[2].resource.gender", swap)
        // Order is an XML rule, and can be turned off.
        var root = try original()
        swap(&root)
        XCTAssertEqual(try VT.validator().validate(root, syntax: .json).filter { $0.rule == "struct.order" }.count, 0)
        XCTAssertEqual(VT.findings(try VT.validator(checkElementOrder: false).validate(root, syntax: .xml)).count, 0)
    }

    func testEmptyValue() throws {
        try assertFinds("value.empty", at: "Bundle.entry[3].resource.name") { root in
            root.edit(Self.organization + [("name", 0)]) { $0.value = "" }
        }
    }

    func testEmptyElement() throws {
        try assertFinds("struct.empty", at: "Bundle.entry[2].resource.address[0]") { root in
            root.edit(Self.patient + [("address", 0)]) { $0.children = [] }
        }
    }

    func testIdAloneIsEmpty() throws {
        try assertFinds("struct.empty", at: "Bundle.entry[2].resource.gender") { root in
            root.edit(Self.patient + [("gender", 0)]) { $0.value = nil; $0.id = "g1" }
        }
    }

    func testBadResourceId() throws {
        try assertFinds("value.id", at: "Bundle.entry[1].resource.id") { root in
            root.edit(Self.immunization + [("id", 0)]) { $0.value = "urn:uuid:6F2A9D1C-3E4B-4C5D-9E6F-7A8B9C0D1E2F" }
        }
    }

    func testBadOidInExtension() throws {
        try assertFinds("value.oid", at: "Bundle.entry[2].resource.extension[0].valueOid") { root in
            root.edit(Self.patient) { p in
                p.children.insert(Element(name: "extension", url: "http://example.org/oid",
                                          children: [Element(name: "valueOid", value: "urn:oid:1.02")]), at: 2)
            }
        }
    }

    func testCodeWithLeadingSpace() throws {
        try assertFinds("value.code", at: "Bundle.entry[2].resource.gender") { root in
            root.edit(Self.patient + [("gender", 0)]) { $0.value = " female" }
        }
    }

    func testStringEdgeSpaceIsAWarning() throws {
        let issues = try assertFinds("value.whitespace", at: "Bundle.entry[3].resource.name", severity: .warning) { root in
            root.edit(Self.organization + [("name", 0)]) { $0.value = "RIVERSIDE HEALTH CENTRE " }
        }
        XCTAssertEqual(VT.errors(issues).count, 0)
    }

    func testMissingExtensionURL() throws {
        try assertFinds("struct.min", at: "Bundle.entry[2].resource.birthDate.extension[0].url") { root in
            root.edit(Self.patient + [("birthDate", 0), ("extension", 0)]) { $0.url = nil }
        }
    }

    func testUnknownResourceType() throws {
        // The PractitionerRole: nothing refers to it, and without its profile claim nothing else
        // names its type (a referenced or claimed resource would also fail layer 2's type checks).
        try assertFinds("struct.unknown-resource-type", at: "Bundle.entry[5].resource") { root in
            root.edit(Self.practitionerRole) { r in
                r.resourceType = "PractitionerRol"
                r.children.remove(at: r.positionOfChild("meta"))
            }
        }
    }

    func testMissingResource() throws {
        try assertFinds("struct.resource-missing", at: "Bundle.entry[3].resource") { root in
            root.edit(Self.organization) { $0.resourceType = nil; $0.children = [] }
        }
    }

    func testResourceWhereNoneIsAllowed() throws {
        try assertFinds("struct.unexpected-resource", at: "Bundle.entry[2].resource.managingOrganization") { root in
            root.edit(Self.patient) { p in
                p.children.append(Element(name: "managingOrganization", resourceType: "Organization",
                                          children: [Element(name: "name", value: "X")]))
            }
        }
    }

    func testValueOnComplexElement() throws {
        try assertFinds("struct.unexpected-value", at: "Bundle.entry[1].resource.vaccineCode") { root in
            root.edit(Self.immunization + [("vaccineCode", 0)]) { $0.value = "871765008" }
        }
    }

    // MARK: JSON

    func jsonIssues(_ edit: (String) -> String) throws -> [Issue] {
        let text = edit(try VT.jsonText(ofSample: Self.sampleName))
        let (root, syntax) = try VT.read(Data(text.utf8))
        XCTAssertEqual(syntax, .json)
        return VT.findings(try VT.validator().validate(root, syntax: syntax))
    }

    func testJSONSampleIsValid() throws {
        XCTAssertEqual(try jsonIssues { $0 }.map(\.description), [])
    }

    func testDecimalAsJSONString() throws {
        let issues = try jsonIssues { $0.replacingOccurrences(of: #""value": 0.50"#, with: #""value": "0.50""#) }
        XCTAssertEqual(issues.map { "\($0.rule) \($0.path ?? "")" }, ["value.json-kind Bundle.entry[1].resource.doseQuantity.value"])
    }

    func testBooleanAsJSONString() throws {
        let issues = try jsonIssues { $0.replacingOccurrences(of: #""primarySource": true"#, with: #""primarySource": "true""#) }
        XCTAssertEqual(issues.map { "\($0.rule) \($0.path ?? "")" }, ["value.json-kind Bundle.entry[1].resource.primarySource"])
    }

    func testDecimalWithExponent() throws {
        let issues = try jsonIssues { $0.replacingOccurrences(of: #""value": 0.50"#, with: #""value": 5e-1"#) }
        XCTAssertEqual(issues.map { "\($0.rule) \($0.path ?? "")" }, ["value.decimal Bundle.entry[1].resource.doseQuantity.value"])
    }

    func testNumberForADate() throws {
        let issues = try jsonIssues { $0.replacingOccurrences(of: #""birthDate": "2022-11-02""#, with: #""birthDate": 20251102"#) }
        XCTAssertEqual(Set(issues.map { "\($0.rule) \($0.path ?? "")" }),
                       ["value.json-kind Bundle.entry[2].resource.birthDate", "value.date Bundle.entry[2].resource.birthDate"])
    }

    func testRepeatingElementWithoutArray() throws {
        let issues = try jsonIssues { text in
            // The Patient's name (the last OKAFOR; the first is in the header's routing extension).
            var text = text
            let at = text.range(of: #""family": "OKAFOR""#, options: .backwards)!
            text.replaceSubrange(at, with: #""family": "OKAFOR", "prefix": "Ms""#)
            return text
        }
        XCTAssertEqual(issues.map { "\($0.rule) \($0.path ?? "")" }, ["struct.json-array Bundle.entry[2].resource.name[0].prefix[0]"])
    }

    func testSingleElementInArray() throws {
        let issues = try jsonIssues { $0.replacingOccurrences(of: #""gender": "female""#, with: #""gender": [ "female" ]"#) }
        XCTAssertEqual(issues.map { "\($0.rule) \($0.path ?? "")" }, ["struct.json-array Bundle.entry[2].resource.gender"])
    }

    func testRepeatingPathIndices() throws {
        try assertFinds("value.string", at: "Bundle.entry[2].resource.name[0].given[1]") { root in
            root.edit(Self.patient + [("name", 0), ("given", 1)]) { $0.value = "Gr\u{0B}ace" }
        }
    }
}
