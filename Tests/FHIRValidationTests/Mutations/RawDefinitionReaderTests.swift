import XCTest
import Foundation
import DCHTestSupport

/// The independent reader of the official definitions that the mutation catalogue places its
/// defects from: what it reads must be what the files say (values checked against the files).
final class RawDefinitionReaderTests: XCTestCase {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: RawDefinitionLibrary?

    static func library() throws -> RawDefinitionLibrary {
        if let known = lock.withLock({ cached }) { return known }
        let made = try RawDefinitionLibrary(sharedRoot: try SharedCorpus.require())
        lock.withLock { cached = made }
        return made
    }

    /// Core (JSON): cardinality, types, a required binding, choice names and contentReference.
    func testCoreDefinitionsAreReadFromTheJSONPackage() throws {
        let library = try Self.library()
        let patient = try library.core("Patient")
        XCTAssertEqual(patient.kind, "resource")
        let gender = try XCTUnwrap(patient.root.child(named: "gender"))
        XCTAssertEqual(gender.type?.code, "code")
        XCTAssertEqual(gender.element.bindingStrength, "required")
        XCTAssertEqual(gender.element.valueSet, "http://hl7.org/fhir/ValueSet/administrative-gender")
        XCTAssertEqual(try XCTUnwrap(patient.root.child(named: "deceasedDateTime")).type?.code, "dateTime")
        XCTAssertNil(patient.root.child(named: "deceasedString"), "Patient.deceased[x] is boolean | dateTime")
        let link = try XCTUnwrap(patient.root.child(named: "link")).element
        XCTAssertEqual(link.min, 0)
        XCTAssertEqual(try XCTUnwrap(link.child(named: "other")).element.min, 1)
        let item = try XCTUnwrap(try library.core("Questionnaire").root.child(named: "item")).element
        XCTAssertEqual(item.child(named: "item")?.element.contentReference, "#Questionnaire.item")
        XCTAssertEqual(try library.core("date").kind, "primitive-type")
        let period = try library.core("Period")
        XCTAssertTrue(period.root.constraints.contains { $0.key == "per-1" })
        // Reference(Patient | Group | Device | Location): four types of one code.
        let subject = try XCTUnwrap(try library.core("Observation").root.child(named: "subject"))
        XCTAssertEqual(subject.type?.code, "Reference")
        XCTAssertEqual(subject.element.types.compactMap(\.targetProfile).count, 4)
    }

    /// NHS (XML): a profile found by its url, its slices with their own children.
    func testNHSProfilesAreReadFromTheirXMLByURL() throws {
        let library = try Self.library()
        let url = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1"
        let profile = try XCTUnwrap(try library.structure(url))
        XCTAssertEqual(profile.type, "Patient")
        let identifier = try XCTUnwrap(profile.root.child(named: "identifier")).element
        XCTAssertTrue(identifier.isSliced)
        let nhsNumber = try XCTUnwrap(identifier.slices.first { $0.sliceName == "nhsNumber" })
        XCTAssertEqual(nhsNumber.min, 1)
        XCTAssertEqual(nhsNumber.children.first { $0.name == "system" }?.fixedValue, "https://fhir.nhs.uk/Id/nhs-number")
        XCTAssertNil(identifier.children.first { $0.name == "system" }?.fixedValue, "the slice's fixed system is not the base's")
        XCTAssertNil(try library.structure("https://example.org/no-such-profile"))
    }

    /// A zipped family (other NHS families) is indexed by url too.
    func testZippedFamiliesAreIndexed() throws {
        let library = try Self.library()
        let profile = try XCTUnwrap(try library.structure("https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-AllergyIntolerance-1"))
        XCTAssertEqual(profile.type, "AllergyIntolerance")
    }

    /// Value sets decide absence only where they are closed lists.
    func testTerminologyDecidesAbsenceOnlyForClosedLists() throws {
        let terminology = RawTerminology(definitions: try Self.library())
        let gender = "http://hl7.org/fhir/ValueSet/administrative-gender"
        XCTAssertTrue(try terminology.provablyLacks("zz-not-a-code", valueSet: gender))
        XCTAssertFalse(try terminology.provablyLacks("female", valueSet: gender))
        // All of SNOMED CT under a filter: not decidable here.
        XCTAssertFalse(try terminology.provablyLacks("zz-not-a-code", valueSet: "http://hl7.org/fhir/ValueSet/clinical-findings"))
        XCTAssertFalse(try terminology.provablyLacks("zz-not-a-code", valueSet: "http://example.org/ValueSet/unknown"))
    }
}
