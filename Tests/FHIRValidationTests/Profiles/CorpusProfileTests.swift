import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// Layer 2 over the whole corpus: every official example against the profiles it claims. Each
/// error below was checked against the profile's snapshot in `../shared` (the NHS assets, the zip of
/// other families, CareConnect): the examples really break them (most NHS examples were written by
/// hand, before or apart from their profiles). Every other corpus message has no profile error.
///
/// Each recorded finding names its rule, its path and what its message must say (the element and
/// profile, the numbers, the expected and found values), so a finding at the right path for the
/// wrong reason fails.
final class CorpusProfileTests: XCTestCase {
    /// One expected error: its rule and path, and fragments its message must contain.
    struct Finding: CustomStringConvertible {
        let rule: String
        let path: String
        let says: [String]
        var description: String { "\(rule) \(path)" }
    }

    /// Why an example breaks its profile, and the errors that follow.
    struct Reason {
        let why: String
        let findings: [Finding]
        init(_ why: String, _ findings: [Finding]) {
            self.why = why
            self.findings = findings
        }
    }

    // MARK: - Findings, by the validator's message forms

    static func min(_ path: String, _ element: String, of profile: String, needs n: Int = 1, found: Int = 0) -> Finding {
        Finding(rule: "profile.min", path: path, says: ["\(element) of \(profile) needs at least \(n), found \(found)"])
    }

    static func sliceMin(_ path: String, slice: String, _ element: String, of profile: String) -> Finding {
        Finding(rule: "profile.slice-min", path: path,
                says: ["missing slice '\(slice)'", "\(element) of \(profile) needs at least 1, found 0"])
    }

    static func fixed(_ path: String, _ element: String, of profile: String, found: String, fixed: String) -> Finding {
        Finding(rule: "profile.fixed", path: path, says: ["value '\(found)' differs from the fixed value '\(fixed)' of \(element) of \(profile)"])
    }

    static func targetType(_ path: String, _ element: String, of profile: String, found: String, allows: String) -> Finding {
        Finding(rule: "profile.target-type", path: path, says: ["resolves to a \(found); \(element) of \(profile) allows \(allows)"])
    }

    // MARK: - Reasons shared by several examples

    /// T1: the official DCH JSON files with comments drop every entry's resource id.
    static let messageHeaderIdDropped = Reason(
        "T1: the DCH JSON form drops the MessageHeader's id; DCH-MessageHeader-1 makes MessageHeader.id 1..1",
        [min("Bundle.entry[0].resource.id", "MessageHeader.id", of: "DCH-MessageHeader-1")])

    static let noDestination = Reason(
        "DCH-MessageHeader-1 makes destination 1..1; the example has none",
        [min("Bundle.entry[0].resource.destination", "MessageHeader.destination", of: "DCH-MessageHeader-1")])

    static func serviceProvider(entry: Int, is type: String) -> Reason {
        Reason("Encounter.serviceProvider resolves to a \(type); CareConnect-DCH-Encounter-1 allows only a CareConnect-Organization-1", [
            targetType("Bundle.entry[\(entry)].resource.serviceProvider.reference", "Encounter.serviceProvider",
                       of: "CareConnect-DCH-Encounter-1", found: type, allows: "Organization"),
        ])
    }

    static func roleOrganizationIsALocation(entries: [Int]) -> Reason {
        Reason("PractitionerRole.organization resolves to a Location; CareConnect-DCH-PractitionerRole-1 allows only a CareConnect-Organization-1",
               entries.map {
                   targetType("Bundle.entry[\($0)].resource.organization.reference", "PractitionerRole.organization",
                              of: "CareConnect-DCH-PractitionerRole-1", found: "Location", allows: "Organization")
               })
    }

    static func senderIsARelatedPerson(entry: Int) -> Reason {
        Reason("the Communication claims DCH-InformationAndAdviceGiven-Communication-1, whose sender must be a CareConnect-DCH-Practitioner-1; it is a RelatedPerson", [
            targetType("Bundle.entry[\(entry)].resource.sender.reference", "Communication.sender",
                       of: "DCH-InformationAndAdviceGiven-Communication-1", found: "RelatedPerson", allows: "Practitioner"),
        ])
    }

    /// PractitionerRole.code is sliced on coding.system: a CodeableConcept holding an SDS job-role
    /// coding and a DCH coding matches sdsJobRoleName (one of its systems is the slice's, as the HL7
    /// validator matches), whose coding is 1..1 with the SDS system fixed.
    static func jobRoleWithASecondCoding(entry: Int, otherSystem: String) -> Reason {
        let element = "PractitionerRole.code:sdsJobRoleName.coding"
        return Reason("code[0] holds an SDS job-role coding and a \(otherSystem) coding; PractitionerRole.code is sliced on coding.system, "
                      + "and the sdsJobRoleName slice allows one coding (1..1), of the SDS system", [
            Finding(rule: "profile.max", path: "Bundle.entry[\(entry)].resource.code[0].coding[1]",
                    says: ["'coding' occurs 2 times; \(element) of CareConnect-DCH-PractitionerRole-1 allows 1"]),
            fixed("Bundle.entry[\(entry)].resource.code[0].coding[1].system", element + ".system", of: "CareConnect-DCH-PractitionerRole-1",
                  found: "https://fhir.nhs.uk/STU3/CodeSystem/\(otherSystem)",
                  fixed: "https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-SDSJobRoleName-1"),
        ])
    }

    static func noAssertedDate(_ path: String) -> Reason {
        Reason("CareConnect-ITK-AllergyIntolerance-1 makes assertedDate 1..1; absent",
               [min(path, "AllergyIntolerance.assertedDate", of: "CareConnect-ITK-AllergyIntolerance-1")])
    }

    static func provenanceWithoutActivity(_ path: String) -> Reason {
        Reason("the contained Provenance has no activity; RARecord-Provenance-1 makes it 1..1",
               [min(path, "Provenance.activity", of: "RARecord-Provenance-1")])
    }

    static func noBirthDate(entry: Int) -> Reason {
        Reason("CareConnect-EMS-Patient-1 makes birthDate 1..1; absent",
               [min("Bundle.entry[\(entry)].resource.birthDate", "Patient.birthDate", of: "CareConnect-EMS-Patient-1")])
    }

    static let proxyRoleSystem = Reason(
        "the proxy-role coding system is CodeSystem-RARecord-ProxyRole-1 (an extra 'CodeSystem-'); Extension-RARecord-ProxyRole-1 fixes RARecord-ProxyRole-1", [
            fixed("Consent.extension[0].valueCodeableConcept.coding[0].system",
                  "Extension.valueCodeableConcept:valueCodeableConcept.coding.system", of: "Extension-RARecord-ProxyRole-1",
                  found: "https://fhir.nhs.uk/STU3/CodeSystem/CodeSystem-RARecord-ProxyRole-1",
                  fixed: "https://fhir.nhs.uk/STU3/CodeSystem/RARecord-ProxyRole-1"),
        ])

    static let consentProvenanceTarget = Reason(
        "the contained Provenance targets the Consent itself; RARecord-Provenance-1 allows a RARecord-Flag-1 or CareConnect-RARecord-Condition-1", [
            targetType("Consent.contained[0].target[0].reference", "Provenance.target", of: "RARecord-Provenance-1",
                       found: "Consent", allows: "Condition, Flag"),
        ])

    static let adjustmentCategorySystem = Reason(
        "the category coding system is CodeSystem-RARecord-AdjustmentCategories-1 (an extra 'CodeSystem-' and a plural); "
            + "Extension-RARecord-AdjustmentCategory-1 fixes RARecord-AdjustmentCategory-1", [
            fixed("Flag.extension[1].valueCodeableConcept.coding[0].system",
                  "Extension.valueCodeableConcept:valueCodeableConcept.coding.system", of: "Extension-RARecord-AdjustmentCategory-1",
                  found: "https://fhir.nhs.uk/STU3/CodeSystem/CodeSystem-RARecord-AdjustmentCategories-1",
                  fixed: "https://fhir.nhs.uk/STU3/CodeSystem/RARecord-AdjustmentCategory-1"),
        ])

    static func vitalSignWithoutEffective(entry: Int, _ profile: String) -> Reason {
        Reason("\(profile) makes effective[x] 1..1; absent",
               [min("Bundle.entry[\(entry)].resource.effective[x]", "Observation.effective[x]", of: profile)])
    }

    static func heartRateWithoutBasedOn(entry: Int) -> Reason {
        Reason("CareConnect-HeartRate-Observation-1 makes basedOn 1..1; absent",
               [min("Bundle.entry[\(entry)].resource.basedOn", "Observation.basedOn", of: "CareConnect-HeartRate-Observation-1")])
    }

    /// The vital-signs profiles fix the UCUM code of valueQuantity (`/min`, `%`, `Cel`, `mm[Hg]`) and make it 1..1.
    static func quantityWithoutCode(_ path: String, _ element: String, _ profile: String, ucum: String) -> Reason {
        Reason("the quantity has a unit but no code; \(profile) makes the code 1..1, fixed to UCUM '\(ucum)'",
               [min(path, element, of: profile)])
    }

    static let mrsScoreObservations: [Reason] = [
        quantityWithoutCode("Bundle.entry[1].resource.valueQuantity.code", "Observation.valueQuantity:valueQuantity.code",
                            "CareConnect-RespiratoryRate-Observation-1", ucum: "/min"),
        heartRateWithoutBasedOn(entry: 2),
        quantityWithoutCode("Bundle.entry[2].resource.valueQuantity.code", "Observation.valueQuantity:valueQuantity.code",
                            "CareConnect-HeartRate-Observation-1", ucum: "/min"),
        Reason("the SNOMED CT display 'Hemoglobin saturation with oxygen' is not the 'Blood oxygen saturation' CareConnect-OxygenSaturation-Observation-1 fixes", [
            fixed("Bundle.entry[3].resource.code.coding[1].display", "Observation.code.coding:snomedCT.display",
                  of: "CareConnect-OxygenSaturation-Observation-1", found: "Hemoglobin saturation with oxygen", fixed: "Blood oxygen saturation"),
        ]),
        quantityWithoutCode("Bundle.entry[3].resource.valueQuantity.code", "Observation.valueQuantity:valueQuantity.code",
                            "CareConnect-OxygenSaturation-Observation-1", ucum: "%"),
        quantityWithoutCode("Bundle.entry[5].resource.valueQuantity.code", "Observation.valueQuantity:valueQuantity.code",
                            "CareConnect-BodyTemperature-Observation-1", ucum: "Cel"),
        quantityWithoutCode("Bundle.entry[6].resource.component[1].valueQuantity.code",
                            "Observation.component:diastolicComponent.valueQuantity:valueQuantity.code",
                            "CareConnect-BloodPressure-Observation-1", ucum: "mm[Hg]"),
    ]

    static let ersBundle: [Reason] = [
        Reason("eRS-ServiceSearchResponse-Bundle-1 makes Bundle.total 1..1; absent",
               [min("Bundle.total", "Bundle.total", of: "eRS-ServiceSearchResponse-Bundle-1")]),
        Reason("the HealthcareService identifier has no system; eRS-HealthcareService-1 makes it 1..1 (fixed http://fhir.nhs.net/Id/ers-service)",
               [min("Bundle.entry[0].resource.identifier[0].system", "HealthcareService.identifier.system", of: "eRS-HealthcareService-1")]),
        Reason("eRS-HealthcareService-1 forbids specialty (0..0); the example has one", [
            Finding(rule: "profile.max", path: "Bundle.entry[0].resource.specialty[0]",
                    says: ["'specialty' is not allowed by HealthcareService.specialty of eRS-HealthcareService-1 (max 0)"]),
        ]),
        Reason("the contained Location has an address, which eRS-Location-1 forbids (0..0), so it does not conform to the eRS-Location-1 that HealthcareService.location requires", [
            Finding(rule: "profile.target-profile", path: "Bundle.entry[0].resource.location[0].reference",
                    says: ["resolves to Bundle.entry[0].resource.contained[0], which does not conform to eRS-Location-1",
                           "HealthcareService.location of eRS-HealthcareService-1"]),
        ]),
        Reason("commissioningType and capacityStatus are CodeableConcepts; Extension-eRS-HealthcareService-1 allows only valueCoding",
               ["commissioningType": 1, "capacityStatus": 9].sorted { $0.value < $1.value }.map { name, index in
                   Finding(rule: "profile.type", path: "Bundle.entry[0].resource.extension[0].extension[\(index)].valueCodeableConcept",
                           says: ["type CodeableConcept is not allowed by Extension.extension:\(name).valueCoding:valueCoding of Extension-eRS-HealthcareService-1; allowed: Coding"])
               }),
    ]

    static let observationBundle: [Reason] = [
        heartRateWithoutBasedOn(entry: 7),
        vitalSignWithoutEffective(entry: 7, "CareConnect-HeartRate-Observation-1"),
        vitalSignWithoutEffective(entry: 8, "CareConnect-RespiratoryRate-Observation-1"),
        vitalSignWithoutEffective(entry: 9, "CareConnect-BloodPressure-Observation-1"),
        Reason("the body temperature's SNOMED CT coding is 386725007 'Body temperature'; CareConnect-BodyTemperature-Observation-1 slices code.coding "
               + "on code and its snomedCT slice (1..1) fixes 276885007 'Core body temperature', so no coding fills it", [
            sliceMin("Bundle.entry[10].resource.code.coding", slice: "snomedCT", "Observation.code.coding:snomedCT",
                     of: "CareConnect-BodyTemperature-Observation-1"),
        ]),
        vitalSignWithoutEffective(entry: 10, "CareConnect-BodyTemperature-Observation-1"),
    ]

    /// Expected errors by file name.
    static let expected: [String: [Reason]] = {
        var table: [String: [Reason]] = [:]
        /// An official XML/JSON pair with the same defects; the JSON may add T1.
        func pair(_ stem: String, jsonDropsIds: Bool, _ reasons: [Reason]) {
            table[stem + ".xml"] = reasons
            table[stem + ".json"] = (jsonDropsIds ? [messageHeaderIdDropped] : []) + reasons
        }
        table["CareConnect-ITK-DM-AllergyIntolerance-1-Example1.xml"] = [noAssertedDate("AllergyIntolerance.assertedDate")]
        for stem in ["CareConnect-RARecord-Condition-1-example1", "CareConnect-RARecord-Condition-1-example2"] {
            pair(stem, jsonDropsIds: false, [provenanceWithoutActivity("Condition.contained[0].activity")])
        }
        pair("DCH-AdditionalDemographics-Bundle-Example-1", jsonDropsIds: true, [noDestination])
        pair("DCH-AdmissionDetails-Bundle-Example-1", jsonDropsIds: true, [])
        pair("DCH-AllergiesAndAdverseReactions-Bundle-Example-1", jsonDropsIds: true, [
            Reason("the NHS number's verification-status extension has the URL https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-NHSNumberVerificationStatus-1, "
                   + "not CareConnect's https://fhir.hl7.org.uk/... one, so the slice CareConnect-DCH-Patient-1 makes 1..1 is empty", [
                sliceMin("Bundle.entry[3].resource.identifier[0].extension", slice: "nhsNumberVerificationStatus",
                         "Patient.identifier:nhsNumber.extension:nhsNumberVerificationStatus", of: "CareConnect-DCH-Patient-1"),
            ]),
            serviceProvider(entry: 7, is: "HealthcareService"),
        ])
        pair("DCH-AssessmentScales-Bundle-Example-1", jsonDropsIds: true, [roleOrganizationIsALocation(entries: [7])])
        pair("DCH-BloodSpotCardReceived-Bundle-Example-1", jsonDropsIds: false, [serviceProvider(entry: 5, is: "HealthcareService")])
        pair("DCH-BloodSpotSampleTaken-Bundle-Example-1", jsonDropsIds: false, [serviceProvider(entry: 6, is: "HealthcareService")])
        pair("DCH-BloodSpotTestOutcome-Bundle-Example-1", jsonDropsIds: false, [serviceProvider(entry: 14, is: "HealthcareService")])
        pair("DCH-ClinicalRiskFactors-Bundle-Example-1", jsonDropsIds: true, [
            serviceProvider(entry: 4, is: "HealthcareService"), roleOrganizationIsALocation(entries: [6, 8]),
        ])
        for stem in ["DCH-DevelopmentalSkills", "DCH-DischargeDetails", "DCH-EarlyYearsProgress", "DCH-ExaminationFindings",
                     "DCH-IndividualRequirements", "DCH-InformationandAdviceGiven", "DCH-MedicationAdministration", "DCH-ProblemList",
                     "DCH-Vaccination"] {
            pair(stem + "-Bundle-Example-1", jsonDropsIds: true, [])
        }
        pair("DCH-MedicationStatement-Bundle-Example-1-", jsonDropsIds: true, [])
        pair("DCH-EducationalHistory-Bundle-Example-1", jsonDropsIds: true, [senderIsARelatedPerson(entry: 8)])
        pair("DCH-FamilyHistory-Bundle-Example-1", jsonDropsIds: false, [noDestination, serviceProvider(entry: 4, is: "HealthcareService")])
        pair("DCH-Medication-Bundle-Example-1", jsonDropsIds: false, [
            serviceProvider(entry: 6, is: "Location"), roleOrganizationIsALocation(entries: [8]),
        ])
        pair("DCH-Observation-Bundle-Example-1", jsonDropsIds: true, observationBundle)
        pair("DCH-ParentGuardianorPersonalComment-Bundle-Example-1", jsonDropsIds: true, [senderIsARelatedPerson(entry: 5)])
        pair("DCH-PersonalContacts-Bundle-Example-1", jsonDropsIds: true, [
            serviceProvider(entry: 4, is: "HealthcareService"), roleOrganizationIsALocation(entries: [7]),
        ])
        pair("DCH-PhysicalExamination-Bundle-Example-1", jsonDropsIds: false, [serviceProvider(entry: 8, is: "HealthcareService")])
        pair("DCH-PlanandRequestedActions-Bundle-Example-1", jsonDropsIds: false, [
            noDestination, serviceProvider(entry: 6, is: "HealthcareService"), roleOrganizationIsALocation(entries: [8]),
        ])
        pair("DCH-ProfessionalContact-Professional-Bundle-Example-1", jsonDropsIds: true, [
            jobRoleWithASecondCoding(entry: 7, otherSystem: "DCH-ProfessionalType-1"),
        ])
        pair("DCH-ProfessionalContact-Team-Bundle-Example-1", jsonDropsIds: true, [
            jobRoleWithASecondCoding(entry: 8, otherSystem: "DCH-KeyWorkerStatus-1"),
        ])
        pair("DCH-SocialContext-Bundle-Example-1", jsonDropsIds: true, [serviceProvider(entry: 5, is: "Location")])
        table["EMS-FailsafeAlertNullify-Bundle-Example-1.xml"] = [
            Reason("EMS-FailsafeAlertNullify-Task-1 makes focus 1..1; absent",
                   [min("Bundle.entry[5].resource.focus", "Task.focus", of: "EMS-FailsafeAlertNullify-Task-1")]),
            Reason("the reason's system is EMS-NullifyFailsafeAlertReason-1 (words swapped); the profile fixes EMS-FailsafeAlertNullifyReason-1", [
                fixed("Bundle.entry[5].resource.reason.coding[0].system", "Task.reason.coding.system", of: "EMS-FailsafeAlertNullify-Task-1",
                      found: "https://fhir.nhs.uk/STU3/CodeSystem/EMS-NullifyFailsafeAlertReason-1",
                      fixed: "https://fhir.nhs.uk/STU3/CodeSystem/EMS-FailsafeAlertNullifyReason-1"),
            ]),
        ]
        let episode = "EMS-PDS-GPRegistration-EpisodeOfCare-1"
        table["EMS-PDS-ChangeOfGP-Bundle-Example-1.xml"] = [
            Reason("EMS-Communication-1 makes sent 1..1; absent",
                   [min("Bundle.entry[2].resource.sent", "Communication.sent", of: "EMS-Communication-1")]),
            Reason("EpisodeOfCare.type is SNOMED CT 408443003 'General medical practice (qualifier value)'; \(episode) fixes system, code and display "
                   + "to EMS-PDS-PatientCareProvisionType-1 '1' 'Primary care'", [
                fixed("Bundle.entry[5].resource.type[0].coding[0].system", "EpisodeOfCare.type.coding.system", of: episode,
                      found: "http://snomed.info/sct", fixed: "https://fhir.nhs.uk/STU3/CodeSystem/EMS-PDS-PatientCareProvisionType-1"),
                fixed("Bundle.entry[5].resource.type[0].coding[0].code", "EpisodeOfCare.type.coding.code", of: episode,
                      found: "408443003", fixed: "1"),
                fixed("Bundle.entry[5].resource.type[0].coding[0].display", "EpisodeOfCare.type.coding.display", of: episode,
                      found: "General medical practice (qualifier value)", fixed: "Primary care"),
            ]),
        ]
        for suffix in ["1a", "1b", "1c"] {
            table["EMS-PDS-PersonDeath-Bundle-Example-\(suffix).xml"] = [noBirthDate(entry: 3)]
        }
        table["ITK-EC-Document-Bundle-1-Example-1.xml"] = [noAssertedDate("Bundle.entry[12].resource.assertedDate")]
        table["ITK-MH-Document-Bundle-Example-2.xml"] = [noAssertedDate("Bundle.entry[3].resource.assertedDate")]
        for n in 1...7 {
            table["ITK-OPL-Document-Bundle-1-Example-\(n).xml"] = [noAssertedDate("Bundle.entry[3].resource.assertedDate")]
        }
        table["ITK-OPL-Document-Bundle-1-Example-6.xml"]! += [
            Reason("PractitionerRole.practitioner resolves to an Organization; CareConnect-PractitionerRole-1 allows only a CareConnect-Practitioner-1", [
                targetType("Bundle.entry[17].resource.practitioner.reference", "PractitionerRole.practitioner", of: "CareConnect-PractitionerRole-1",
                           found: "Organization", allows: "Practitioner"),
            ]),
        ]
        table["ITK-Response-20009-Example-2.xml"] = [
            Reason("ITK-MessageHeader-2 makes the ITKMessageHandling extension 1..1; absent", [
                sliceMin("Bundle.entry[0].resource.extension", slice: "ITKMessageHandling", "MessageHeader.extension:ITKMessageHandling",
                         of: "ITK-MessageHeader-2"),
            ]),
        ]
        table["MrS-Bundle(ScoreObs).xml"] = mrsScoreObservations
        table["MrS-Bundle(ScoreSScore).xml"] = [
            Reason("Observation.related.target must be a CareConnect-Observation-1 (CareConnect-Subscore-Observation-1); the heart-rate Observation "
                   + "it points at has two SNOMED CT codings (364075005, 78564009) where that profile's snomedCT slice allows one", [
                Finding(rule: "profile.target-profile", path: "Bundle.entry[0].resource.contained[3].related[0].target.reference",
                        says: ["resolves to Bundle.entry[2].resource, which does not conform to CareConnect-Observation-1",
                               "Observation.related.target of CareConnect-Subscore-Observation-1"]),
            ]),
        ] + mrsScoreObservations
        for n in 1...2 {
            pair("RARecord-Consent-1-example-\(n)", jsonDropsIds: false, [
                proxyRoleSystem, consentProvenanceTarget, provenanceWithoutActivity("Consent.contained[0].activity"),
            ])
        }
        for n in 1...7 {
            pair("RARecord-Flag-1-example-\(n)", jsonDropsIds: false, [
                adjustmentCategorySystem, provenanceWithoutActivity("Flag.contained[0].activity"),
            ])
        }
        pair("eRS-Bundle-Example-1", jsonDropsIds: false, ersBundle)
        table["eRS-FetchServices-Example-1.json"] = [
            Reason("T3: the JSON names the sub-extension 'requestFlowType' (its XML has 'supportedRequestFlowType'); "
                   + "Extension-eRS-ServiceSummaryView-1 makes supportedRequestFlowType 1..2, so each entry's extension lacks it",
                   (0...1).map {
                       sliceMin("List.entry[\($0)].item.extension[0].extension", slice: "supportedRequestFlowType",
                                "Extension.extension:supportedRequestFlowType", of: "Extension-eRS-ServiceSummaryView-1")
                   }),
        ]
        return table
    }()

    /// What differs between the recorded findings and the errors found: a missing or extra error
    /// (by rule and path), or an error whose message does not say what the record says.
    static func mismatches(_ expected: [Finding], _ errors: [Issue]) -> [String] {
        let found = errors.map { "\($0.rule) \($0.path ?? "")" }.sorted()
        let recorded = expected.map(\.description).sorted()
        var out: [String] = []
        if found != recorded {
            out.append("errors \(found) vs recorded \(recorded)")
        }
        for finding in expected {
            for issue in errors where issue.rule == finding.rule && issue.path == finding.path {
                for fragment in finding.says where !issue.message.contains(fragment) {
                    out.append("\(finding): the message \"\(issue.message)\" does not say \"\(fragment)\"")
                }
            }
        }
        return out
    }

    func testCorpusProfileOutcomes() throws {
        let validator = try VT.validator()
        var seen = Set<String>()
        var others: [String: Int] = [:]
        for folder in CorpusValidationTests.folders {
            for ext in ["xml", "json"] {
                for url in try SharedCorpus.files(folder, extension: ext) {
                    let name = url.lastPathComponent
                    seen.insert(name)
                    let (root, syntax) = try VT.read(try Data(contentsOf: url))
                    let issues = validator.validate(root, syntax: syntax).filter { $0.rule.hasPrefix("profile.") }
                    let expected = Self.expected[name]?.flatMap(\.findings) ?? []
                    XCTAssertEqual(Self.mismatches(expected, VT.errors(issues)), [], name)
                    for w in issues where w.severity < .error { others[w.rule, default: 0] += 1 }
                    XCTAssertTrue(issues.allSatisfy { $0.position != nil }, "\(name): every issue has a position")
                }
            }
        }
        XCTAssertEqual(Set(Self.expected.keys).subtracting(seen), [])
        // Warnings: claimed profiles the NHS assets do not publish (Audit-*, ITK), and extensions whose
        // URLs match no published definition (the fhir.nhs.uk NHS-number verification status, NDOP proxy).
        // Information: slicings whose slices the profiles do not tell apart (no fixed value at the
        // discriminator, e.g. the blood-spot outcome codings' 'system').
        // And DCH-ProfessionalComment-Communication-1's binding it contradicts (once per message, see
        // ProfileBindingConflictTests); PractitionerRole codes with two coding systems, taken as the slice of one of
        // them (SliceDiscriminatorValuesTests).
        XCTAssertEqual(others, ["profile.binding-conflict": 2, "profile.extension-unknown": 10, "profile.slice-several-values": 4,
                                "profile.slicing-unevaluable": 16, "profile.unknown": 15])
    }

    /// The check is by reason, not only by rule and path: the body-temperature Observation with the
    /// SNOMED CT coding its profile fixes but a wrong LOINC code still misses a slice at
    /// `code.coding`, but the loinc slice, not the recorded snomedCT one, and that must not pass.
    func testAFindingAtTheRightPathForTheWrongReasonFails() throws {
        let url = try SharedCorpus.require().appendingPathComponent("corpus/nhs-stu3-assets/Examples/DCH-Observation-Bundle-Example-1.xml")
        var text = try String(contentsOf: url, encoding: .utf8)
        let edits = [
            (#"<code value="8310-5"/>"#, #"<code value="8310-6"/>"#),
            (#"<code value="386725007"/>"#, #"<code value="276885007"/>"#),
            (#"<display value="Body temperature"/>"#, #"<display value="Core body temperature"/>"#),
        ]
        for (from, to) in edits {
            XCTAssertEqual(text.components(separatedBy: from).count, 2, "one \(from)")
            text = text.replacingOccurrences(of: from, with: to)
        }
        let (root, syntax) = try VT.read(Data(text.utf8))
        let errors = VT.errors(try VT.validator().validate(root, syntax: syntax).filter { $0.rule.hasPrefix("profile.") })
        let recorded = Self.expected["DCH-Observation-Bundle-Example-1.xml"]!.flatMap(\.findings)
        let slice = errors.first { $0.path == "Bundle.entry[10].resource.code.coding" }
        XCTAssertEqual(slice?.rule, "profile.slice-min", "the same rule at the same path")
        XCTAssertTrue(slice?.message.contains("missing slice 'loinc'") == true, slice?.message ?? "none")
        let mismatches = Self.mismatches(recorded, errors)
        XCTAssertEqual(mismatches.count, 2, "\(mismatches)")
        XCTAssertTrue(mismatches.allSatisfy { $0.contains("profile.slice-min Bundle.entry[10].resource.code.coding") }, "\(mismatches)")
    }
}
