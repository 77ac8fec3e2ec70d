import XCTest
import Foundation
import FHIRModel
import ChildHealthEvents
import DCHTestSupport

/// Mandatory data items removed from the valid CH005 Birth Details sample: each absence is an error
/// under the page's rule id, at the item's path.
final class DataItemMutationTests: XCTestCase {
    var fixture: EventFixture!
    var birth = ""

    override func setUpWithError() throws {
        fixture = try EventFixture()
        birth = try String(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/dch-birth-weight.xml"), encoding: .utf8)
    }

    func errors(replacing old: String, with new: String, in text: String) throws -> [Issue] {
        XCTAssertTrue(text.contains(old), "mutation target missing: \(old)")
        let mutated = text.replacingOccurrences(of: old, with: new)
        return fixture.rules.check(try fixture.tree(Data(mutated.utf8)), syntax: .xml).filter { $0.severity == .error }
    }

    func testBirthOrderRemoved() throws {
        let found = try errors(replacing: "<multipleBirthInteger value=\"1\"/>", with: "", in: birth)
        XCTAssertEqual(found.map(\.rule), ["event.E-BirthDetails-5"])
        XCTAssertEqual(found.first?.path, "Bundle.entry[1].resource.multipleBirthInteger")
        XCTAssert(found.first?.message.contains("'Birth Order'") ?? false)
    }

    func testBirthOrderAsBooleanIsNotTheItem() throws {
        let found = try errors(replacing: "<multipleBirthInteger value=\"1\"/>", with: "<multipleBirthBoolean value=\"false\"/>", in: birth)
        XCTAssertEqual(found.map(\.rule), ["event.E-BirthDetails-5"])
    }

    func testBirthTimeRemovedFromTheBirthDate() throws {
        let found = try errors(replacing: "<extension url=\"http://hl7.org/fhir/StructureDefinition/patient-birthTime\">",
                               with: "<extension url=\"https://example.org/not-birth-time\">", in: birth)
        XCTAssertEqual(found.map(\.rule), ["event.E-BirthDetails-8"])
        XCTAssertEqual(found.first?.path, "Bundle.entry[1].resource.birthDate.extension")
    }

    func testDeleteMessagesNeedNoDataItems() throws {
        let delete = birth.replacingOccurrences(of: "<code value=\"new\"/>", with: "<code value=\"delete\"/>")
        XCTAssertNotEqual(delete, birth)
        let found = try errors(replacing: "<multipleBirthInteger value=\"1\"/>", with: "", in: delete)
        XCTAssertFalse(found.contains { $0.rule == "event.E-BirthDetails-5" })
    }

    func testUnclaimedProfileStillCarriesTheItemWhenTheEventListsIt() throws {
        // Without meta.profile the Patient is still the event's CareConnect-DCH-Patient-1.
        let unclaimed = birth.replacingOccurrences(of: "<profile value=\"https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1\"/>", with: "")
        XCTAssertNotEqual(unclaimed, birth)
        let found = try errors(replacing: "<multipleBirthInteger value=\"1\"/>", with: "", in: unclaimed)
        XCTAssert(found.contains { $0.rule == "event.E-BirthDetails-5" }, "\(found.map(\.rule))")
    }
}
