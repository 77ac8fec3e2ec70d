import XCTest
import Foundation
import ChildHealthEvents
import DCHTestSupport

/// Every corpus message's event-rule outcome (errors and warnings), checked by hand, with the
/// reason. The examples are hand-written and some are wrong; every form a real sender produces
/// (three event-type extension URLs, both header styles, Spine directory references) passes.
final class EventRulesCorpusTests: XCTestCase {
    static let expected: [String: [String]] = [
        // test number 1112223330 has a wrong check digit (9 expected), in routing and Patient; the PDS Patient lacks the serial change number (meta.versionId)
        "BirthNotificationWithMother.xml": [
            "warning event.G9 Bundle.entry[2].resource.meta.versionId",
            "error event.G10 Bundle.entry[0].resource.extension[0].extension[0].valueIdentifier.value",
            "error event.G11 Bundle.entry[2].resource.identifier[0].value",
        ],
        // the code system names CH019 "Medication Statement"; the example writes the page name "Medication"
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        // the Encounter starts on 2012-01-29, before the birth on 2013-10-12
        // its event display is the page's 2018 wording: accepted, as information
        "DCH-Medication-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
            "warning event.consistency Bundle.entry[6].resource.period.start",
        ],
        // CH036 Medication Administration: in the code system, without an event page (generic rules only)
        // the Encounter starts on 2014-10-12, three years before the birth on 2017-10-02 (2017-10-02T20:12 birth time)
        "DCH-MedicationAdministration-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[4].resource.period.start",
        ],
        // the code system names CH024 "NIPE outcome"; the PractitionerRole has no code (SDS Job Role Name) and the
        // Encounter no type at all (Encounter Type, childHealthEncounterType), both mandatory data items of the page
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        // its event display is the page's 2018 wording: accepted, as information
        "DCH-PhysicalExamination-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
            "error event.E-PhysicalExamination-6 Bundle.entry[10].resource.code",
            "error event.E-PhysicalExamination-11 Bundle.entry[8].resource.type",
        ],
        // the PractitionerRole carries only an SDS role profile identifier: no code (SDS Job Role Name, mandatory)
        "DCH-AssessmentScales-Bundle-Example-1.xml": [
            "error event.E-AssessmentScales-6 Bundle.entry[7].resource.code",
        ],
        // the Encounter has no type (Encounter Type, childHealthEncounterType, mandatory)
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-DevelopmentalSkills-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
            "error event.E-DevelopmentalSkills-5 Bundle.entry[4].resource.type",
        ],
        // no PractitionerRole.code (SDS Job Role Name) and no Encounter.type (Encounter Type): both mandatory
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-ExaminationFindings-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
            "error event.E-ExaminationFindings-6 Bundle.entry[8].resource.code",
            "error event.E-ExaminationFindings-7 Bundle.entry[4].resource.type",
        ],
        // no PractitionerRole.code (SDS Job Role Name, mandatory)
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-InformationandAdviceGiven-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
            "error event.E-InformationAndAdviceGiven-6 Bundle.entry[7].resource.code",
        ],
        // CH018 Measurements: no PractitionerRole.code (SDS Job Role Name, mandatory)
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-Observation-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
            "error event.E-Measurements-6 Bundle.entry[14].resource.code",
        ],
        // no PractitionerRole.code (SDS Job Role Name) and no Encounter.type (Encounter Type): both mandatory
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-PlanandRequestedActions-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
            "error event.E-PlanAndRequestedActions-5 Bundle.entry[8].resource.code",
            "error event.E-PlanAndRequestedActions-8 Bundle.entry[6].resource.type",
        ],
        // a misspelt ODS system (.../STU3/Id/ods-organization-code)
        "EMS-FailsafeAlertNullify-Bundle-Example-1.xml": [
            "warning event.G12 Bundle.entry[1].resource.identifier[0].system",
        ],
        // NHS number check digit wrong
        "EMS-PDS-BirthNotification-Bundle-Example-1.xml": [
            "error event.G11 Bundle.entry[3].resource.identifier[0].value",
        ],
        // the focus names a Communication that the Bundle does not carry
        "EMS-PDS-ChangeOfGP-Bundle-Example-1.xml": [
            "error event.G4 Bundle.entry[0].resource.focus[0].reference",
        ],
        // NHS number 6101231234: check digit 2 expected
        "EMS-PDS-PersonDeath-Bundle-Example-1a.xml": [
            "error event.G11 Bundle.entry[3].resource.identifier[0].value",
        ],
        // same number
        "EMS-PDS-PersonDeath-Bundle-Example-1b.xml": [
            "error event.G11 Bundle.entry[3].resource.identifier[0].value",
        ],
        // same number
        "EMS-PDS-PersonDeath-Bundle-Example-1c.xml": [
            "error event.G11 Bundle.entry[3].resource.identifier[0].value",
        ],
        // no SCN; routing birth date 2017 against Patient 2019; responsible is the Spine directory (accepted) so the stated 1..2 Organization is missing
        "PDS-Change-Of-Address-ems-example.xml": [
            "warning event.G9 Bundle.entry[3].resource.meta.versionId",
            "error event.G10 Bundle.entry[0].resource.extension[0].extension[2].valueDateTime",
            "error event.E-pds-change-of-address-1 Bundle.entry",
        ],
        // routing demographics copied from another patient (number and family name differ); Patient number check digit wrong; no SCN
        "PDS-Death-Notification-formal-ems-example.xml": [
            "warning event.G9 Bundle.entry[2].resource.meta.versionId",
            "error event.G10 Bundle.entry[0].resource.extension[0].extension[0].valueIdentifier.value",
            "warning event.G10 Bundle.entry[0].resource.extension[0].extension[1].valueHumanName.family",
            "error event.G11 Bundle.entry[2].resource.identifier[0].value",
        ],
        // no MessageHeader.meta.lastUpdated: the generic NEMS rules ask for it, the pds-record-change-1 page does not (a warning)
        "PDS-Record-Change.xml": [
            "warning event.G9 Bundle.entry[0].resource.meta.lastUpdated",
        ],
        // routing birthDateTime 2017-10-02 against Patient.birthDate 2013-10-12 (copied header)
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "Professional-Contacts-1-delete.xml": [
            "error event.G10 Bundle.entry[0].resource.extension[0].extension[2].valueDateTime",
            "warning event.consistency Bundle.entry[2].resource.birthDate.extension[0].valueDateTime",
        ],
        // routing birthDateTime 2017-10-02 against Patient.birthDate 2013-10-12 (the header was copied between examples)
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "Professional-Contacts-1-new.xml": [
            "error event.G10 Bundle.entry[0].resource.extension[0].extension[2].valueDateTime",
            "warning event.consistency Bundle.entry[2].resource.birthDate.extension[0].valueDateTime",
        ],
        // routing birthDateTime 2017-10-02 against Patient.birthDate 2013-10-12 (the header was copied between examples)
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "Professional-Contacts-1-update.xml": [
            "error event.G10 Bundle.entry[0].resource.extension[0].extension[2].valueDateTime",
            "warning event.consistency Bundle.entry[2].resource.birthDate.extension[0].valueDateTime",
        ],
        // routing birthDateTime 2017-10-02 against Patient.birthDate 2013-10-12 (the header was copied between examples)
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "blood-spot-test-outcome-1-new.xml": [
            "error event.G10 Bundle.entry[0].resource.extension[0].extension[2].valueDateTime",
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // routing birthDateTime 2017-10-02 against Patient.birthDate 2013-10-12 (the header was copied between examples)
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "newborn-hearing-1-new.xml": [
            "error event.G10 Bundle.entry[0].resource.extension[0].extension[2].valueDateTime",
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // routing birthDateTime 2017-10-02 against Patient.birthDate 2013-10-12 (the header was copied between examples)
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "newborn-hearing-1-update.xml": [
            "error event.G10 Bundle.entry[0].resource.extension[0].extension[2].valueDateTime",
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // routing birthDateTime 2017-10-02 against Patient.birthDate 2013-10-12 (the header was copied between examples)
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "vaccinations-1-delete.xml": [
            "error event.G10 Bundle.entry[0].resource.extension[0].extension[2].valueDateTime",
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // routing birthDateTime 2017-10-02 against Patient.birthDate 2013-10-12 (the header was copied between examples)
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "vaccinations-1-new.xml": [
            "error event.G10 Bundle.entry[0].resource.extension[0].extension[2].valueDateTime",
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-AdditionalDemographics-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-AdmissionDetails-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-AllergiesAndAdverseReactions-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Encounter starts on 2014-10-12, three years before the birth on 2017-10-02 (2017-10-02T20:12 birth time)
        "DCH-BirthDetails-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[10].resource.period.start",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-BloodSpotCardReceived-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-BloodSpotSampleTaken-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-BloodSpotTestOutcome-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-ClinicalRiskFactors-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-DischargeDetails-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-EarlyYearsProgress-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-FamilyHistory-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-IndividualRequirements-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Encounter starts on 2014-10-12, three years before the birth on 2017-10-02 (2017-10-02T20:12 birth time)
        "DCH-MedicationStatement-Bundle-Example-1-.xml": [
            "warning event.consistency Bundle.entry[4].resource.period.start",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-ParentGuardianorPersonalComment-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-ProblemList-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-ProfessionalContact-Professional-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-ProfessionalContact-Team-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-SocialContext-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
        // the Patient's patient-birthTime (2017-10-02) is on another day than its birthDate (2013-10-12): copied between examples
        "DCH-Vaccination-Bundle-Example-1.xml": [
            "warning event.consistency Bundle.entry[3].resource.birthDate.extension[0].valueDateTime",
        ],
    ]

    func testEveryCorpusMessageHasItsRecordedOutcome() throws {
        let fixture = try EventFixture()
        let files = try SharedCorpus.files("corpus/nems-examples", extension: "xml")
            + SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "xml").filter {
                $0.lastPathComponent.hasPrefix("DCH-") || $0.lastPathComponent.hasPrefix("EMS-")
            }
        XCTAssertEqual(files.count, 15 + 30 + 13)
        var recognised = 0
        for file in files {
            let root = try fixture.tree(try Data(contentsOf: file))
            let name = file.lastPathComponent
            XCTAssertEqual(fixture.outcome(root), Self.expected[name] ?? [], name)
            if let message = EventMessage(root), fixture.rules.event(of: message) != nil { recognised += 1 }
        }
        XCTAssertEqual(recognised, files.count, "every message names a known event (CH036 one without a page)")
        XCTAssertEqual(Set(Self.expected.keys).subtracting(files.map(\.lastPathComponent)), [], "a recorded file is missing")
    }

    /// JSON forms of the DCH examples give the same outcome as their XML, except that 22 of them
    /// drop the MessageHeader id that the DCH header design requires (the publication reference);
    /// the CH036 one among them, now that CH036 is a known event.
    func testJSONFormsAgreeWithXML() throws {
        let fixture = try EventFixture()
        let noID = "error event.G4 Bundle.entry[0].resource.id"
        var withoutID = 0
        for json in try SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "json")
            where json.lastPathComponent.hasPrefix("DCH-") {
            let xml = json.deletingPathExtension().appendingPathExtension("xml")
            guard FileManager.default.fileExists(atPath: xml.path) else { continue }
            let fromJSON = fixture.outcome(try fixture.tree(try Data(contentsOf: json)))
            let fromXML = fixture.outcome(try fixture.tree(try Data(contentsOf: xml)))
            if fromJSON.contains(noID) { withoutID += 1 }
            XCTAssertEqual(fromJSON.filter { $0 != noID }, fromXML, json.lastPathComponent)
        }
        XCTAssertEqual(withoutID, 22)
    }

    /// Our samples carry no event error or warning, and report their extension form.
    func testSamplesAreClean() throws {
        let fixture = try EventFixture()
        let samples = try FileManager.default.contentsOfDirectory(at: SharedCorpus.packageRoot.appendingPathComponent("Samples"),
                                                                  includingPropertiesForKeys: nil)
            .filter { ["xml", "json"].contains($0.pathExtension) }   // Samples/policies holds sharing policies
        XCTAssertFalse(samples.isEmpty)
        for sample in samples {
            let root = try fixture.tree(try Data(contentsOf: sample))
            XCTAssertEqual(fixture.outcome(root), [], sample.lastPathComponent)
            let forms = fixture.rules.check(root, syntax: .xml).filter { $0.rule == "event.G6" && $0.severity == .information }
            XCTAssertEqual(forms.count, 1, sample.lastPathComponent)
        }
    }
}
