import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// `profile.fixed-conflict`: CareConnect-DCH-Height-Observation-1 fixes the SNOMED CT coding's
/// display to 'Body height' in its `snomedCT` slice and every coding's display to 'Body height
/// measure'. The profile contradicts itself there: one warning per definition, and the slice's
/// value is accepted; a coding the slice does not claim is still held to the element's value.
final class ProfileFixedConflictTests: XCTestCase {
    static let profile = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Height-Observation-1"

    static func coding(_ system: String, _ code: String, _ display: String) -> String {
        "<coding><system value=\"\(system)\"/><code value=\"\(code)\"/><display value=\"\(display)\"/></coding>"
    }

    static let snomed = "http://snomed.info/sct", loinc = "http://loinc.org"

    /// A height Observation claiming the profile, with these codings in `code`.
    static func observation(_ codings: [String]) -> String {
        """
        <Observation xmlns="http://hl7.org/fhir">
          <id value="h1"/>
          <meta><profile value="\(profile)"/></meta>
          <status value="final"/>
          <category><coding><system value="http://hl7.org/fhir/observation-category"/><code value="vital-signs"/><display value="Vital Signs"/></coding></category>
          <code>\(codings.joined())</code>
          <subject><reference value="Patient/p1"/></subject>
          <effectiveDateTime value="2026-03-14T10:20:00+00:00"/>
          <valueQuantity><value value="101.5"/><unit value="cm"/><system value="http://unitsofmeasure.org"/><code value="cm"/></valueQuantity>
        </Observation>
        """
    }

    /// The fixed-value findings on `Observation.code` (rule and path).
    func fixedFindings(_ codings: [String]) throws -> [String] {
        let (root, syntax) = try VT.read(Data(Self.observation(codings).utf8))
        return try VT.validator().validate(root, syntax: syntax)
            .filter { $0.rule.hasPrefix("profile.fixed") && $0.path?.hasPrefix("Observation.code") == true }
            .map { "\($0.severity.rawValue) \($0.rule) \($0.path ?? "")" }
    }

    func testTheSliceValueIsAcceptedWithOneWarning() throws {
        XCTAssertEqual(try fixedFindings([Self.coding(Self.snomed, "50373000", "Body height")]),
                       ["warning profile.fixed-conflict Observation.code.coding[0].display"])
    }

    func testAValueNeitherFixesIsAnError() throws {
        // The slice's value is the one held: its error stands; the element's contradicting one is
        // the profile's fault, noted once.
        XCTAssertEqual(try fixedFindings([Self.coding(Self.snomed, "50373000", "Height")]),
                       ["error profile.fixed Observation.code.coding[0].display",
                        "warning profile.fixed-conflict Observation.code.coding[0].display"])
    }

    func testACodingOutsideTheSliceIsHeldToTheElementsValue() throws {
        // The LOINC slice fixes no display: the element's 'Body height measure' holds for coding[1],
        // whatever the SNOMED CT coding before it was excused.
        let found = try fixedFindings([Self.coding(Self.snomed, "50373000", "Body height"),
                                       Self.coding(Self.loinc, "8302-2", "Body height")])
        XCTAssertEqual(found, ["warning profile.fixed-conflict Observation.code.coding[0].display",
                               "error profile.fixed Observation.code.coding[1].display"])
        XCTAssertEqual(try fixedFindings([Self.coding(Self.loinc, "8302-2", "Body height measure"),
                                          Self.coding(Self.snomed, "50373000", "Body height")]),
                       ["warning profile.fixed-conflict Observation.code.coding[1].display"])
    }
}
