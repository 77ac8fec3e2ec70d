import XCTest
import FHIRModel
import FHIRDefinitions
@testable import FHIRValidation
import DCHTestSupport

/// Layer 2 on the shared ``SnapshotTree`` (linked by snapshot order and path, `sliceName` the
/// authority for slices): what the validator's former linking by element id got wrong, checked
/// against the profiles themselves.
final class ProfileLinkingTests: XCTestCase {
    static let bmi = "http://hl7.org/fhir/StructureDefinition/bmi"

    private func compiled(_ url: String) throws -> CompiledProfile {
        let pack = try SharedCorpus.definitionPack()
        let sd = try XCTUnwrap(pack.structure(url: url), "\(url) is not in the pack")
        return try XCTUnwrap(ProfileCompiler.compile(sd, pack: pack))
    }

    /// FHIR STU3's BMI profile slices `Observation.code.coding` (open, by value of `code`) with the
    /// slice `BMICode` (LOINC 39156-5), id'd `coding:bmicode`. It is a slice, not a second `coding`.
    func testSliceWhoseIDDisagreesWithItsNameIsASlice() throws {
        let root = try compiled(Self.bmi).root
        let code = try XCTUnwrap(root.children.first { $0.name == "code" })
        XCTAssertEqual(code.children.filter { $0.name == "coding" }.count, 1)
        let coding = try XCTUnwrap(code.children.first { $0.name == "coding" })
        XCTAssertEqual(coding.slices.map(\.record.sliceName), ["BMICode"])
        XCTAssertEqual(coding.slices[0].children.count, 7)
        XCTAssertEqual(coding.slices[0].children.first { $0.name == "code" }?.fixed?.value, "39156-5")
    }

    /// The birth-weight sample's Observation (SNOMED CT 364589006 and LOINC 29463-7) held to the
    /// BMI profile: the codings are outside the open slicing's one slice, which FHIR allows
    /// (profiling.html#slicing, rules `open`), so only the unit code differs from the profile's
    /// fixed `kg/m2`. Linked by id, `BMICode` was a plain `coding` and every coding failed its
    /// fixed system and code.
    func testOtherCodingsOfAnOpenSlicingAreAllowed() throws {
        let pack = try SharedCorpus.definitionPack()
        let validator = Validator(pack: pack, options: ValidationOptions(profiles: [Self.bmi]))
        let (root, format) = try VT.read(try VT.sample("dch-birth-weight.xml"))
        let profile = validator.validate(root, syntax: format).filter { $0.rule.hasPrefix("profile.") && $0.severity >= .warning }
        XCTAssertEqual(profile.map { "\($0.rule) \($0.path ?? "")" },
                       ["profile.fixed Bundle.entry[2].resource.valueQuantity.code"],
                       profile.map(\.message).joined(separator: "\n"))
    }

    /// Extension-CareConnect-ValueApproximation-1 restricts its value to a boolean as
    /// `Extension.valueBoolean` (`sliceName` valueBoolean, id `value[x]:valueAppromimate`, no
    /// `value[x]`): it stands for the choice, so `valueString` is refused.
    func testTypeNamedChoiceWithAnOddIDStandsForItsChoice() throws {
        let root = try compiled("https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ValueApproximation-1").root
        let value = try XCTUnwrap(root.children.first { $0.name == "valueBoolean" })
        XCTAssertEqual(value.record.id, "Extension.value[x]:valueAppromimate")
        XCTAssertTrue(value.matches("valueString"))
        XCTAssertFalse(value.allowsVariant("valueString"))
        XCTAssertTrue(value.allowsVariant("valueBoolean"))
    }
}
