import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRValidation
import DCHTestSupport

/// Layer 3: each binding strength and each bound type, checked with ``BindingChecker`` directly
/// over the shipped pack's value sets.
final class BindingCheckerTests: XCTestCase {
    static let gender = "http://hl7.org/fhir/ValueSet/administrative-gender"
    static let securityLabels = "http://hl7.org/fhir/ValueSet/security-labels"
    static let occupation = "https://fhir.nhs.uk/STU3/ValueSet/DCH-Occupation-1"
    static let confidentiality = "http://hl7.org/fhir/v3/Confidentiality"
    static let snomed = "http://snomed.info/sct"

    func checker() throws -> BindingChecker {
        try VT.validator().bindingChecker
    }

    /// The issues of checking one element, as `severity rule path`.
    func check(_ e: Element, _ type: String, _ strength: String, _ valueSet: String, path: String = "X",
               report: inout TerminologyReport) throws -> [String] {
        let before = report.issues.count
        try checker().check(e, typeCode: type, binding: BindingRecord(strength: strength, valueSet: valueSet),
                            path: path, into: &report)
        return report.issues[before...].map { "\($0.severity) \($0.rule) \($0.path ?? "")" }
    }

    func check(_ e: Element, _ type: String, _ strength: String, _ valueSet: String, path: String = "X") throws -> [String] {
        var report = TerminologyReport()
        return try check(e, type, strength, valueSet, path: path, report: &report)
    }

    func coding(_ system: String?, _ code: String?, display: String? = nil, name: String = "coding") -> Element {
        var children: [Element] = []
        if let system { children.append(Element(name: "system", value: system)) }
        if let code { children.append(Element(name: "code", value: code)) }
        if let display { children.append(Element(name: "display", value: display)) }
        return Element(name: name, children: children)
    }

    func concept(_ codings: [Element], text: String? = nil) -> Element {
        Element(name: "concept", children: codings + (text.map { [Element(name: "text", value: $0)] } ?? []))
    }

    // MARK: Strengths on a code

    func testRequiredCode() throws {
        var report = TerminologyReport()
        let found = try check(Element(name: "gender", value: "f"), "code", "required", Self.gender,
                              path: "Patient.gender", report: &report)
        XCTAssertEqual(found, ["error terminology.required Patient.gender"])
        let message = report.issues[0].message
        for part in ["'f'", "'AdministrativeGender'", Self.gender, "required"] {
            XCTAssertTrue(message.contains(part), "\(part) missing from: \(message)")
        }
        XCTAssertEqual(report.issues[0].type, .codeInvalid)
        XCTAssertEqual(try check(Element(name: "gender", value: "female"), "code", "required", Self.gender), [])
    }

    func testExtensibleCodeIsAWarning() throws {
        XCTAssertEqual(try check(Element(name: "gender", value: "f"), "code", "extensible", Self.gender),
                       ["warning terminology.extensible X"])
    }

    func testPreferredAndExampleAreNotChecked() throws {
        for strength in ["preferred", "example"] {
            XCTAssertEqual(try check(Element(name: "gender", value: "f"), "code", strength, Self.gender), [], strength)
            XCTAssertEqual(try check(concept([coding(Self.snomed, "1")]), "CodeableConcept", strength, Self.occupation), [])
        }
    }

    func testBoundStringAndURI() throws {
        let languages = "http://hl7.org/fhir/ValueSet/languages"
        XCTAssertEqual(try check(Element(name: "language", value: "en-GB"), "string", "extensible", languages), [])
        XCTAssertEqual(try check(Element(name: "language", value: "xx-YY"), "uri", "extensible", languages),
                       ["warning terminology.extensible X"])
    }

    // MARK: Coding

    func testCodingInValueSet() throws {
        XCTAssertEqual(try check(coding(Self.confidentiality, "R", display: "restricted"), "Coding", "required", Self.securityLabels), [])
    }

    func testCodingWithWrongSystem() throws {
        var report = TerminologyReport()
        let found = try check(coding("http://hl7.org/fhir/v3/ActCode", "R"), "Coding", "required", Self.securityLabels,
                              path: "Meta.security[0]", report: &report)
        XCTAssertEqual(found, ["error terminology.required Meta.security[0]"])
        XCTAssertTrue(report.issues[0].message.contains("system 'http://hl7.org/fhir/v3/ActCode'"), report.issues[0].message)
    }

    func testCodingWithoutSystemOrCode() throws {
        XCTAssertEqual(try check(coding(nil, "R"), "Coding", "required", Self.securityLabels), ["error terminology.required X"])
        XCTAssertEqual(try check(coding(Self.confidentiality, nil, display: "restricted"), "Coding", "extensible", Self.securityLabels),
                       ["warning terminology.extensible X"])
    }

    func testDisplay() throws {
        XCTAssertEqual(try check(coding(Self.confidentiality, "R", display: "normal"), "Coding", "required", Self.securityLabels,
                                 path: "Meta.security[0]"),
                       ["warning terminology.display Meta.security[0].display"])
        // Case and spacing are not a disagreement.
        XCTAssertEqual(try check(coding(Self.confidentiality, "R", display: "Restricted"), "Coding", "required", Self.securityLabels), [])
        // A display of a code outside the set is still compared with its code system.
        XCTAssertEqual(try check(coding(Self.confidentiality, "HIV", display: "HIV related"), "Coding", "required", Self.securityLabels),
                       ["error terminology.required X"])
    }

    // MARK: CodeableConcept

    func testConceptNeedsOneCodingInTheSet() throws {
        let translated = concept([coding("http://example.org/local", "RESTR"), coding(Self.confidentiality, "R")])
        XCTAssertEqual(try check(translated, "CodeableConcept", "required", Self.securityLabels), [])
        let outside = concept([coding(Self.confidentiality, "HIV"), coding("http://hl7.org/fhir/v3/ActCode", "R")])
        var report = TerminologyReport()
        XCTAssertEqual(try check(outside, "CodeableConcept", "required", Self.securityLabels, path: "Y", report: &report),
                       ["error terminology.required Y"])
        XCTAssertTrue(report.issues[0].message.contains("'HIV'") && report.issues[0].message.contains("'R'"), report.issues[0].message)
        XCTAssertEqual(try check(outside, "CodeableConcept", "extensible", Self.securityLabels), ["warning terminology.extensible X"])
    }

    func testConceptAsTextAlone() throws {
        let text = concept([], text: "restricted")
        XCTAssertEqual(try check(text, "CodeableConcept", "required", Self.securityLabels), ["error terminology.required X"])
        XCTAssertEqual(try check(text, "CodeableConcept", "extensible", Self.securityLabels), [])
    }

    func testConceptDisplayPath() throws {
        let c = concept([coding("http://example.org/local", "RESTR"), coding(Self.confidentiality, "R", display: "normal")])
        XCTAssertEqual(try check(c, "CodeableConcept", "required", Self.securityLabels, path: "Z"),
                       ["warning terminology.display Z.coding[1].display"])
    }

    // MARK: Quantity and other types

    func testQuantityUnit() throws {
        let bodyWeight = "http://hl7.org/fhir/ValueSet/ucum-bodyweight"
        func quantity(_ code: String?) -> Element {
            Element(name: "valueQuantity", children: [Element(name: "value", value: "3.2"),
                                                      Element(name: "system", value: "http://unitsofmeasure.org")]
                    + (code.map { [Element(name: "code", value: $0)] } ?? []))
        }
        XCTAssertEqual(try check(quantity("kg"), "Quantity", "required", bodyWeight), [])
        XCTAssertEqual(try check(quantity("mg"), "Quantity", "required", bodyWeight), ["error terminology.required X"])
        // UCUM is case sensitive even though the pack does not hold it.
        XCTAssertEqual(try check(quantity("KG"), "Quantity", "required", bodyWeight), ["error terminology.required X"])
        XCTAssertEqual(try check(quantity(nil), "Quantity", "required", bodyWeight), [], "no coded unit to check")
    }

    func testTypesWithoutCodesAreSkipped() throws {
        XCTAssertEqual(try check(Element(name: "subject", children: [Element(name: "reference", value: "Patient/1")]),
                                 "Reference", "required", Self.gender), [])
    }

    // MARK: What cannot be checked

    func testNotCheckedOncePerMessageAndValueSet() throws {
        var report = TerminologyReport()
        let snomedConcept = concept([coding(Self.snomed, "158965000")])
        XCTAssertEqual(try check(snomedConcept, "CodeableConcept", "extensible", Self.occupation, path: "A", report: &report),
                       ["information terminology.not-checked A"])
        let message = report.issues[0].message
        XCTAssertTrue(message.contains("DCH Employment Status") && message.contains(Self.occupation) && message.contains("SNOMED CT"), message)
        // The same value set and system again: nothing more in this message.
        XCTAssertEqual(try check(snomedConcept, "CodeableConcept", "required", Self.occupation, path: "B", report: &report), [])
        // Another value set drawing on SNOMED CT is noted once too.
        let careSetting = "https://fhir.hl7.org.uk/STU3/ValueSet/CareConnect-CareSettingType-1"
        XCTAssertEqual(try check(snomedConcept, "CodeableConcept", "extensible", careSetting, path: "C", report: &report),
                       ["information terminology.not-checked C"])
        // A new message starts a new report.
        XCTAssertEqual(try check(snomedConcept, "CodeableConcept", "extensible", Self.occupation, path: "A"),
                       ["information terminology.not-checked A"])
    }

    func testUnknownValueSet() throws {
        var report = TerminologyReport()
        let url = "http://example.org/ValueSet/not-in-pack"
        XCTAssertEqual(try check(Element(name: "status", value: "x"), "code", "required", url, path: "A", report: &report),
                       ["information terminology.not-checked A"])
        XCTAssertTrue(report.issues[0].message.contains(url), report.issues[0].message)
        XCTAssertEqual(try check(Element(name: "status", value: "y"), "code", "required", url, path: "B", report: &report), [])
    }

    func testBindingWithoutValueSetIsSkipped() throws {
        var report = TerminologyReport()
        try checker().check(Element(name: "status", value: "x"), typeCode: "code",
                            binding: BindingRecord(strength: "required", valueSet: nil), path: "A", into: &report)
        XCTAssertEqual(report.issues, [])
    }
}
