import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// The bindings of the profiles (layer 2 through layer 3) over the whole corpus: the terminology
/// errors and warnings a run with profiles finds beyond a run with the base definitions only
/// (those are recorded in TerminologyTests). Each group was checked against the value set in the
/// pack. (Generated from a run, then read by hand.) A binding the profile itself makes unsatisfiable
/// is not held against its instances: DCH-IndividualRequirements' Professional Comment is in
/// ProfileBindingConflictTests.
final class ProfileBindingTests: XCTestCase {
    static let expectedFindings: [String: (reasons: [String], findings: [String])] = [
        "BirthNotificationWithMother.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
            "the ethnic category is coded under a system URL without '/CodeSystem/', so outside the required value set",
        ], [
            "terminology.required Bundle.entry[2].resource.identifier[0].extension[0].valueCodeableConcept",
            "terminology.required Bundle.entry[4].resource.extension[1].valueCodeableConcept",
            "terminology.required Bundle.entry[4].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "Consent-Example-1.json": ([
            "the JSON form's opt-out source display differs from NDOP-OptOutSource-1's (the XML form has the right one)",
        ], [
            "terminology.display Consent.extension[0].valueCodeableConcept.coding[0].display",
        ]),
        "Consent-Example-2.json": ([
            "the JSON form's opt-out source display differs from NDOP-OptOutSource-1's (the XML form has the right one)",
        ], [
            "terminology.display Consent.extension[0].valueCodeableConcept.coding[0].display",
        ]),
        "DCH-BirthDetails-Bundle-Example-1.json": ([
            "T5: the APGAR code ' 169922007' has a leading space, so it is no member of the required value set",
        ], [
            "terminology.required Bundle.entry[8].resource.code",
        ]),
        "DCH-BirthDetails-Bundle-Example-1.xml": ([
            "T5: the APGAR code ' 169922007' has a leading space, so it is no member of the required value set",
        ], [
            "terminology.required Bundle.entry[8].resource.code",
        ]),
        "DCH-DevelopmentalSkills-Bundle-Example-1.json": ([
            "Condition.category holds codes CareConnect-ConditionCategory-1 does not define ('presenting-complaint'), or names the value set as system (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[5].resource.category[0]",
        ]),
        "DCH-DevelopmentalSkills-Bundle-Example-1.xml": ([
            "Condition.category holds codes CareConnect-ConditionCategory-1 does not define ('presenting-complaint'), or names the value set as system (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[5].resource.category[0]",
        ]),
        "DCH-Medication-Bundle-Example-1.json": ([
            "MessageHeader.event display differs from the DCH-ChildHealthEventType-1 display of its code (warning)",
        ], [
            "terminology.display Bundle.entry[0].resource.event.display",
        ]),
        "DCH-Medication-Bundle-Example-1.xml": ([
            "MessageHeader.event display differs from the DCH-ChildHealthEventType-1 display of its code (warning)",
        ], [
            "terminology.display Bundle.entry[0].resource.event.display",
        ]),
        "DCH-MedicationStatement-Bundle-Example-1-.json": ([
            "additionalInstruction has text only; the profile binds it (required) to DCH-DoseDirectionDuration-1, so a coding is needed",
        ], [
            "terminology.required Bundle.entry[10].resource.dosage[0].additionalInstruction[0]",
        ]),
        "DCH-MedicationStatement-Bundle-Example-1-.xml": ([
            "additionalInstruction has text only; the profile binds it (required) to DCH-DoseDirectionDuration-1, so a coding is needed",
        ], [
            "terminology.required Bundle.entry[10].resource.dosage[0].additionalInstruction[0]",
        ]),
        "DCH-PhysicalExamination-Bundle-Example-1.json": ([
            "MessageHeader.event display differs from the DCH-ChildHealthEventType-1 display of its code (warning)",
        ], [
            "terminology.display Bundle.entry[0].resource.event.display",
        ]),
        "DCH-PhysicalExamination-Bundle-Example-1.xml": ([
            "MessageHeader.event display differs from the DCH-ChildHealthEventType-1 display of its code (warning)",
        ], [
            "terminology.display Bundle.entry[0].resource.event.display",
        ]),
        "DCH-PlanandRequestedActions-Bundle-Example-1.json": ([
            "the relationship is a v3 RoleCode, outside DCH-PersonRelationshipType-1 (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[5].resource.relationship",
        ]),
        "DCH-PlanandRequestedActions-Bundle-Example-1.xml": ([
            "the relationship is a v3 RoleCode, outside DCH-PersonRelationshipType-1 (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[5].resource.relationship",
        ]),
        "EMS-FailsafeAlert-Bundle-Example-1.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "EMS-FailsafeAlert-Bundle-Example-2.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "EMS-FailsafeAlert-Bundle-Example-3.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "EMS-FailsafeAlert-Bundle-Example-4.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "EMS-FailsafeAlert-Bundle-Example-5.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "EMS-FailsafeAlert-Bundle-Example-6.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "EMS-FailsafeAlertNullify-Bundle-Example-1.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
            "the nullify reason is coded in a code system whose URL differs from the one the value set takes",
        ], [
            "terminology.required Bundle.entry[4].resource.identifier[0].extension[0].valueCodeableConcept",
            "terminology.required Bundle.entry[5].resource.reason",
        ]),
        "EMS-PDS-BirthNotification-Bundle-Example-1.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
            "the ethnic category is coded under a system URL without '/CodeSystem/', so outside the required value set",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
            "terminology.required Bundle.entry[5].resource.extension[1].valueCodeableConcept",
            "terminology.required Bundle.entry[5].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "EMS-PDS-ChangeOfAddress-Bundle-Example-1.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "EMS-PDS-ChangeOfGP-Bundle-Example-1.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
            "EpisodeOfCare.type coded in SNOMED CT, outside the required EMS-PDS-PatientCareProvisionType-1",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
            "terminology.required Bundle.entry[5].resource.type[0]",
        ]),
        "EMS-PDS-PersonDeath-Bundle-Example-1a.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "EMS-PDS-PersonDeath-Bundle-Example-1b.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "EMS-PDS-PersonDeath-Bundle-Example-1c.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "ITK-EC-Document-Bundle-1-Example-1.xml": ([
            "Condition.category holds codes CareConnect-ConditionCategory-1 does not define ('presenting-complaint'), or names the value set as system (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[14].resource.category[0]",
            "terminology.extensible Bundle.entry[15].resource.category[0]",
        ]),
        "ITK-EDIS-Example-1.xml": ([
            "Condition.category holds codes CareConnect-ConditionCategory-1 does not define ('presenting-complaint'), or names the value set as system (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[17].resource.category[0]",
        ]),
        "ITK-EMS-PDSBirthNotification-MessageBundle-Example-1.xml": ([
            "the ethnic category is coded under a system URL without '/CodeSystem/', so outside the required value set",
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[1].resource.entry[3].resource.extension[1].valueCodeableConcept",
            "terminology.required Bundle.entry[1].resource.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
            "terminology.required Bundle.entry[1].resource.entry[6].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "ITK-OPL-Document-Bundle-1-Example-1.xml": ([
            "Condition.category holds codes CareConnect-ConditionCategory-1 does not define ('presenting-complaint'), or names the value set as system (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[8].resource.category[0]",
            "terminology.extensible Bundle.entry[9].resource.category[0]",
        ]),
        "ITK-OPL-Document-Bundle-1-Example-2.xml": ([
            "Condition.category holds codes CareConnect-ConditionCategory-1 does not define ('presenting-complaint'), or names the value set as system (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[10].resource.category[0]",
            "terminology.extensible Bundle.entry[11].resource.category[0]",
            "terminology.extensible Bundle.entry[12].resource.category[0]",
            "terminology.extensible Bundle.entry[9].resource.category[0]",
        ]),
        "ITK-OPL-Document-Bundle-1-Example-3.xml": ([
            "Condition.category holds codes CareConnect-ConditionCategory-1 does not define ('presenting-complaint'), or names the value set as system (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[5].resource.category[0]",
            "terminology.extensible Bundle.entry[6].resource.category[0]",
            "terminology.extensible Bundle.entry[7].resource.category[0]",
        ]),
        "ITK-OPL-Document-Bundle-1-Example-4.xml": ([
            "Condition.category holds codes CareConnect-ConditionCategory-1 does not define ('presenting-complaint'), or names the value set as system (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[5].resource.category[0]",
            "terminology.extensible Bundle.entry[6].resource.category[0]",
        ]),
        "ITK-OPL-Document-Bundle-1-Example-5.xml": ([
            "Condition.category holds codes CareConnect-ConditionCategory-1 does not define ('presenting-complaint'), or names the value set as system (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[10].resource.category[0]",
            "terminology.extensible Bundle.entry[5].resource.category[0]",
            "terminology.extensible Bundle.entry[6].resource.category[0]",
            "terminology.extensible Bundle.entry[7].resource.category[0]",
            "terminology.extensible Bundle.entry[8].resource.category[0]",
            "terminology.extensible Bundle.entry[9].resource.category[0]",
        ]),
        "ITK-OPL-Document-Bundle-1-Example-6.xml": ([
            "Condition.category holds codes CareConnect-ConditionCategory-1 does not define ('presenting-complaint'), or names the value set as system (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[5].resource.category[0]",
            "terminology.extensible Bundle.entry[6].resource.category[0]",
        ]),
        "ITK-OPL-Document-Bundle-1-Example-7.xml": ([
            "Condition.category holds codes CareConnect-ConditionCategory-1 does not define ('presenting-complaint'), or names the value set as system (extensible: warning)",
        ], [
            "terminology.extensible Bundle.entry[10].resource.category[0]",
            "terminology.extensible Bundle.entry[11].resource.category[0]",
            "terminology.extensible Bundle.entry[5].resource.category[0]",
            "terminology.extensible Bundle.entry[6].resource.category[0]",
            "terminology.extensible Bundle.entry[7].resource.category[0]",
            "terminology.extensible Bundle.entry[8].resource.category[0]",
            "terminology.extensible Bundle.entry[9].resource.category[0]",
        ]),
        "PDS-Change-Of-Address-ems-example.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[3].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "PDS-Death-Notification-formal-ems-example.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[2].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "PDS-Record-Change.xml": ([
            "the NHS-number verification status is coded under 'https://fhir.hl7.org.uk/STU3/CareConnect-NHSNumberVerificationStatus-1' (no '/CodeSystem/'), not the code system the required value set takes",
        ], [
            "terminology.required Bundle.entry[1].resource.identifier[0].extension[0].valueCodeableConcept",
        ]),
        "RARecord-Consent-1-example-1.json": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.required Consent.extension[0].valueCodeableConcept",
        ]),
        "RARecord-Consent-1-example-1.xml": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.required Consent.extension[0].valueCodeableConcept",
        ]),
        "RARecord-Consent-1-example-2.json": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.required Consent.extension[0].valueCodeableConcept",
        ]),
        "RARecord-Consent-1-example-2.xml": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.required Consent.extension[0].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-1.json": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-1.xml": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-2.json": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-2.xml": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-3.json": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-3.xml": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-4.json": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-4.xml": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-5.json": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-5.xml": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-6.json": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-6.xml": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-7.json": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "RARecord-Flag-1-example-7.xml": ([
            "RARecord codings use system URLs with an extra 'CodeSystem-', so none is in the profiles' value sets",
        ], [
            "terminology.extensible Flag.code",
            "terminology.required Flag.category",
            "terminology.required Flag.extension[1].valueCodeableConcept",
        ]),
        "eRS-BookAppointment-Example-1.json": ([
            "a placeholder code 'NEED_TO_ADD_LATER', and the value set's URL given as the system",
        ], [
            "terminology.required Parameters.parameter[1].valueCoding",
        ]),
        "eRS-BookAppointment-Example-1.xml": ([
            "a placeholder code 'NEED_TO_ADD_LATER', and the value set's URL given as the system",
        ], [
            "terminology.required Parameters.parameter[1].valueCoding",
        ]),
        "eRS-Bundle-Example-1.json": ([
            "codes '01'/'02' are not in eRS-AdditionalRequirementType-1",
        ], [
            "terminology.required Bundle.entry[0].resource.extension[0].extension[13].extension[1].valueCodeableConcept",
            "terminology.required Bundle.entry[0].resource.extension[0].extension[14].extension[1].valueCodeableConcept",
        ]),
        "eRS-Bundle-Example-1.xml": ([
            "codes '01'/'02' are not in eRS-AdditionalRequirementType-1",
        ], [
            "terminology.required Bundle.entry[0].resource.extension[0].extension[13].extension[1].valueCodeableConcept",
            "terminology.required Bundle.entry[0].resource.extension[0].extension[14].extension[1].valueCodeableConcept",
        ]),
        "eRS-SearchCriteria-Parameters-Example-1.xml": ([
            "'DIAGNOSTIC_PATHOLOGY' is not a code of eRS-Specialty-1",
        ], [
            "terminology.required Parameters.parameter[1].valueCoding",
        ]),
    ]

    func testCorpusProfileBindingFindings() throws {
        let full = try VT.validator()
        let base = Validator(pack: try SharedCorpus.definitionPack(), options: ValidationOptions(checkProfiles: false))
        var seen = Set<String>()
        var information = 0
        for folder in CorpusValidationTests.folders {
            for ext in ["xml", "json"] {
                for url in try SharedCorpus.files(folder, extension: ext) {
                    let name = url.lastPathComponent
                    seen.insert(name)
                    let (root, syntax) = try VT.read(try Data(contentsOf: url))
                    func terminology(_ v: Validator) -> [Issue] {
                        v.validate(root, syntax: syntax).filter { $0.rule.hasPrefix("terminology.") }
                    }
                    let known = Set(terminology(base).map { "\($0.rule) \($0.path ?? "")" })
                    let added = terminology(full).filter { !known.contains("\($0.rule) \($0.path ?? "")") }
                    information += added.filter { $0.severity == .information }.count
                    XCTAssertEqual(VT.findings(added).map { "\($0.rule) \($0.path ?? "")" }.sorted(),
                                   Self.expectedFindings[name]?.findings ?? [], name)
                }
            }
        }
        XCTAssertEqual(Set(Self.expectedFindings.keys).subtracting(seen), [])
        // Not-checked notes: the profiles bind many more elements to SNOMED CT value sets.
        XCTAssertEqual(information, 204)
    }
}
