import XCTest
import FHIRDefinitions
import DCHTestSupport

/// The order-and-path linking of ``SnapshotTree`` against the two linkings by element id it
/// replaced (``IDLinking``), on every profile of the pack: every element that moved, by kind.
///
/// Checked by hand against the snapshots, each kind is the id-based linking going wrong; in all
/// of them the element follows its parent (or its entry, for a slice) in the snapshot with the
/// path one step below (or the same path and a `sliceName`), which is how the HL7 reference
/// validator (org.hl7.fhir `ProfileUtilities.getChildMap`, `getSliceList`) finds it:
/// - **Slice names that are not in their ids** (51 elements; the validator's linking
///   only): FHIR STU3's own Vital Signs profiles id the slice `BMICode` as
///   `Observation.code.coding:bmicode`, and the genetics, CQIF and lipid profiles write ids in lower
///   case. Linked by id, such a slice was a second plain `coding` (or `extension`, `result`) child
///   of the entry's parent, and its slicing had no slices.
/// - **Ids that name no element** (524 elements; 151 of them also for EventBuilder's linking):
///   CareConnect-derived profiles write a choice restricted to one type as
///   `Observation.valueQuantity:valueQuantity` and then id some of its children
///   `Observation.value[x]:valueQuantity.unit`, some `valueQuantity:valueQuantity.unit`. The
///   validator left every child in the other form out (`id`, `extension`, `comparator` of
///   CareConnect-BloodPressure-Observation-1's values; the `snomedCTDescriptionID` extension
///   slices of DCH QuestionnaireResponse answers); EventBuilder's tree found the children by
///   alias but not the grandchildren (`value[x]:valueCodeableConcept.coding.id`).
/// - **Slices taken for plain children** (3 elements): CareConnect-DCH-NCMPWithdrawal-Observation-1's
///   `snomedCTDescriptionID` extension slice (max 0) names its entry in the other choice form, so
///   both linkings made it a second `extension` child of `coding`; ODSAPI-Organization-1's
///   `dateType` extension slices (1..1) of `valuePeriod` were, for EventBuilder, children of
///   `valuePeriod`. By order each is a slice of the `extension` entry it follows.
///
/// No element is linked by id and left out by order, and no element moved in any other way.
final class SnapshotLinkingComparisonTests: XCTestCase {
    /// How an element's link by order differs from its link by id.
    enum Difference: String, CaseIterable {
        /// Linked by order, left out by id: the id's parent is no element's id.
        case idNamesNoElement
        /// A slice by order, a plain child by id, its `sliceName` not being the end of its id.
        case sliceNameNotInID
        /// A slice by order, a plain child by id, though its id ends in its `sliceName`.
        case sliceTakenForChild
        /// Anything else (none expected).
        case other
    }

    /// One element whose link moved.
    struct Moved: CustomStringConvertible {
        let profile: String
        let index: Int
        let record: ElementRecord
        let byID: SnapshotLink?
        let byOrder: SnapshotLink
        let kind: Difference

        var description: String {
            "\(profile) #\(index) \(record.id ?? record.path) [\(record.sliceName ?? "-")]: by id "
                + (byID?.description ?? "left out") + ", by order \(byOrder)"
        }
    }

    var pack: DefinitionPack!

    override func setUpWithError() throws {
        pack = try SharedCorpus.definitionPack()
    }

    /// Every element moved between `old` and the order-based linking, over every profile.
    private func differences(_ old: (StructureRecord) -> [Int: SnapshotLink]) throws -> (moved: [Moved], profiles: Int) {
        var moved: [Moved] = []
        var profiles = Set<String>()
        for url in try pack.urls(of: .structure) {
            guard let sd = try pack.structure(url: url), sd.derivation == "constraint" else { continue }
            let byOrder = IDLinking.orderBased(try XCTUnwrap(SnapshotTree(sd)))
            let byID = old(sd)
            for i in sd.elements.indices.dropFirst() where byID[i] != byOrder[i] {
                let record = sd.elements[i]
                guard let link = byOrder[i] else {
                    XCTFail("\(sd.url) #\(i) \(record.path) linked by id (\(byID[i]!)) but not by order")
                    continue
                }
                moved.append(Moved(profile: sd.url, index: i, record: record, byID: byID[i], byOrder: link,
                                   kind: Self.kind(record, byID: byID[i], byOrder: link)))
                profiles.insert(sd.url)
            }
        }
        return (moved, profiles.count)
    }

    private static func kind(_ record: ElementRecord, byID: SnapshotLink?, byOrder: SnapshotLink) -> Difference {
        guard let byID else { return .idNamesNoElement }
        guard !byID.isSlice, byOrder.isSlice, let name = record.sliceName else { return .other }
        let last = IDLinking.idSteps(record.id ?? record.path, path: record.path).last ?? ""
        return last.hasSuffix(":" + name) ? .sliceTakenForChild : .sliceNameNotInID
    }

    private func tally(_ moved: [Moved]) -> [Difference: Int] {
        Dictionary(grouping: moved, by: \.kind).mapValues(\.count)
    }

    /// Against the validator's former linking (FHIRValidation's `ProfileCompiler`, by id and
    /// `sliceName`): 576 elements of 95 profiles.
    func testAgainstTheValidatorsLinkingByID() throws {
        let (moved, profiles) = try differences(IDLinking.validator)
        XCTAssertEqual(tally(moved), [.idNamesNoElement: 524, .sliceNameNotInID: 51, .sliceTakenForChild: 1],
                       moved.filter { $0.kind == .other }.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(profiles, 95)

        let bmiCode = try XCTUnwrap(moved.first { $0.profile == "http://hl7.org/fhir/StructureDefinition/bmi" })
        XCTAssertEqual(bmiCode.record.sliceName, "BMICode")
        XCTAssertEqual(bmiCode.kind, .sliceNameNotInID)
        try assertLink(bmiCode.byOrder, in: bmiCode.profile, isSliceOf: "Observation.code.coding")

        let comparator = try XCTUnwrap(moved.first {
            $0.profile.hasSuffix("/CareConnect-BloodPressure-Observation-1") && $0.record.path == "Observation.valueQuantity.comparator"
        })
        XCTAssertEqual(comparator.kind, .idNamesNoElement)
        XCTAssertEqual(comparator.record.id, "Observation.value[x]:valueQuantity.comparator")
        try assertLink(comparator.byOrder, in: comparator.profile, isChildOf: "Observation.valueQuantity:valueQuantity")

        let withdrawal = try XCTUnwrap(moved.first { $0.kind == .sliceTakenForChild })
        XCTAssertTrue(withdrawal.profile.hasSuffix("/CareConnect-DCH-NCMPWithdrawal-Observation-1"))
        XCTAssertEqual(withdrawal.record.sliceName, "snomedCTDescriptionID")
        XCTAssertEqual(withdrawal.record.max, "0")
        try assertLink(withdrawal.byOrder, in: withdrawal.profile, isSliceOf: "Observation.value[x]:valueCodeableConcept.coding.extension")
    }

    /// Against EventBuilder's former tree (the first shared `SnapshotTree`, by id with aliases for
    /// renamed choices): 154 elements of 36 profiles.
    func testAgainstEventBuildersLinkingByID() throws {
        let (moved, profiles) = try differences(IDLinking.eventBuilder)
        XCTAssertEqual(tally(moved), [.idNamesNoElement: 151, .sliceTakenForChild: 3],
                       moved.filter { $0.kind == .other }.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(profiles, 36)

        let dateTypes = moved.filter { $0.profile.hasSuffix("/ODSAPI-Organization-1") && $0.kind == .sliceTakenForChild }
        XCTAssertEqual(dateTypes.map(\.record.sliceName), ["dateType", "dateType"])
        XCTAssertEqual(dateTypes.map(\.record.min), [1, 1])
        try assertLink(dateTypes[0].byOrder, in: dateTypes[0].profile,
                       isSliceOf: "Organization.extension:activePeriod.value[x]:valuePeriod.extension")
    }

    /// The two linkings by id disagreed with each other on 88 profiles: what made them two.
    func testTheTwoLinkingsByIDDisagreed() throws {
        var disagreeing = 0
        for url in try pack.urls(of: .structure) {
            guard let sd = try pack.structure(url: url), sd.derivation == "constraint" else { continue }
            if IDLinking.validator(sd) != IDLinking.eventBuilder(sd) { disagreeing += 1 }
        }
        XCTAssertEqual(disagreeing, 88)
    }

    private func assertLink(_ link: SnapshotLink, in url: String, isSliceOf entryID: String,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(link.isSlice, file: file, line: line)
        XCTAssertEqual(try id(of: link.parent, in: url), entryID, file: file, line: line)
        XCTAssertNotNil(try pack.structure(url: url)?.elements[link.parent].slicing, "\(entryID) defines no slicing",
                        file: file, line: line)
    }

    private func assertLink(_ link: SnapshotLink, in url: String, isChildOf parentID: String,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertFalse(link.isSlice, file: file, line: line)
        XCTAssertEqual(try id(of: link.parent, in: url), parentID, file: file, line: line)
    }

    private func id(of index: Int, in url: String) throws -> String? {
        let record = try pack.structure(url: url)?.elements[index]
        return record.map { $0.id ?? $0.path }
    }
}
