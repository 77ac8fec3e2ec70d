import XCTest
import FHIRModel
import FHIRDefinitions
import ChildHealthEvents
import EventBuilder
import DCHTestSupport

/// Element values: written where the path says, checked against the profile first.
final class ElementValueTests: XCTestCase {
    private func build(_ event: String, _ values: [ElementValue]) throws -> Element {
        let pack = try DefinitionPack.shipped()
        let catalogue = try EventCatalogue.shipped()
        let definition = try XCTUnwrap(catalogue.event(code: event, system: nil))
        var random = SeededRandom(seed: 3)
        var input = SyntheticInputs.make(for: definition, using: &random)
        input.messageEventType = .new
        input.elementValues = values
        return try EventMessageBuilder(pack: pack).build(definition, input, using: &random)
    }

    private func resources(_ bundle: Element, _ type: String) -> [Element] {
        bundle.children.filter { $0.name == "entry" }.compactMap { $0.children.first { $0.resourceType == type } }
    }

    func testCodingsGoIntoOneResourcePerInstance() throws {
        let sct = "http://snomed.info/sct"
        let bundle = try build("blood-spot-test-outcome-1", [
            ElementValue(resourceType: "Procedure", instance: "pku", path: "code", value: .coding(system: sct, code: "314081000", display: nil)),
            ElementValue(resourceType: "Procedure", instance: "pku", path: "outcome", value: .coding(system: sct, code: "946431000000102", display: nil)),
            ElementValue(resourceType: "Procedure", instance: "cf", path: "code", value: .coding(system: sct, code: "171191008", display: nil)),
        ])
        let procedures = resources(bundle, "Procedure")
        XCTAssertEqual(procedures.count, 2)
        let codes = procedures.map { $0.children.first { $0.name == "code" }?.children.first?.children.first { $0.name == "code" }?.value }
        XCTAssertEqual(codes, ["314081000", "171191008"])
        let outcome = procedures[0].children.first { $0.name == "outcome" }?.children.first { $0.name == "coding" }
        XCTAssertEqual(outcome?.children.first { $0.name == "code" }?.value, "946431000000102")
    }

    func testValuesOutsideTheProfileAreRefused() throws {
        // Immunization.status is bound (required) to immunization-status: completed | entered-in-error.
        XCTAssertThrowsError(try build("vaccinations-1", [
            ElementValue(resourceType: "Immunization", instance: "1", path: "status", value: .text("planned")),
        ])) { XCTAssertTrue("\($0)".contains("required binding"), "\($0)") }
        XCTAssertThrowsError(try build("vaccinations-1", [
            ElementValue(resourceType: "Immunization", instance: "1", path: "colour", value: .text("red")),
        ])) { XCTAssertTrue("\($0)".contains("does not have"), "\($0)") }
        XCTAssertThrowsError(try build("vaccinations-1", [
            ElementValue(resourceType: "Immunization", instance: "1", path: "notGiven", value: .text("maybe")),
        ])) { XCTAssertTrue("\($0)".contains("not a valid boolean"), "\($0)") }
        XCTAssertThrowsError(try build("vaccinations-1", [
            ElementValue(resourceType: "DiagnosticReport", instance: "1", path: "status", value: .text("final")),
        ])) { XCTAssertTrue("\($0)".contains("carries no DiagnosticReport"), "\($0)") }
        XCTAssertNoThrow(try build("vaccinations-1", [
            ElementValue(resourceType: "Immunization", instance: "1", path: "status", value: .text("entered-in-error")),
        ]))
    }
}
