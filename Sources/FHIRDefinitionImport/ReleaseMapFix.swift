import FHIRModel

/// One change dch makes to its copy of an official cross-version map: where the official map is
/// wrong or incomplete for what DCH, NEMS and CareConnect messages use. Each is listed in the
/// README (file, rule, why); the importer refuses a fix whose text is no longer found exactly once.
public struct ReleaseMapFix: Sendable {
    /// The map file, `R3toR4/Procedure.fml`.
    public var file: String
    /// The official text replaced (LF line ends), found exactly once in the file.
    public var original: String
    /// The text dch ships instead.
    public var replacement: String
    /// Why the official text is wrong.
    public var reason: String

    /// A fix.
    public init(file: String, original: String, replacement: String, reason: String) {
        self.file = file; self.original = original; self.replacement = replacement; self.reason = reason
    }

    /// `text` with the fix applied.
    func apply(to text: String) throws -> String {
        let parts = text.components(separatedBy: original)
        guard parts.count == 2 else {
            throw IssuesError(Issue(.fatal, .processing, rule: "maps.fix",
                "fix for \(file) finds its text \(parts.count - 1) times, not once: \(original.prefix(80))"))
        }
        return parts.joined(separator: replacement)
    }

    /// The data-absent-reason extension (R4 core): "the value is unknown", allowed on any element.
    static let dataAbsentReason = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

    /// FML that writes `tgt.<element>` as a `type` holding only the data-absent-reason extension
    /// (`unknown`) when the STU3 source has no `<element>`: R4 requires it, STU3 does not.
    static func absentInR3(_ element: String, type: String, rule: String) -> String {
        "  src where (src.\(element).empty()) -> tgt.\(element) = create('\(type)') as absent, absent.extension = create('Extension') as dar, "
            + "dar.url = '\(dataAbsentReason)', dar.value = create('code') as reason, reason.value = 'unknown' \"\(rule)\";\n"
    }

    /// FML for the way back: copy `src.<element>` only when it is a real value, and consume (drop)
    /// the element that only says it is absent.
    static func absentInR4(_ element: String, copy: Bool) -> String {
        let absent = "extension('\(dataAbsentReason)').exists()"
        return (copy ? "  src.\(element) where (\(absent).not()) -> tgt.\(element);\n" : "")
            + "  src.\(element) as absent where (\(absent)) then {\n"
            + "    absent.extension as dar then {\n      dar.value as reason then {\n        reason.value;\n      };\n    };\n  };\n"
    }

    /// FML parking the STU3 `src.<element>` (a Reference) in the round-trip extension the official
    /// maps use for STU3-only data (`http://hl7.org/fhir/3.0/StructureDefinition/extension-{Type}.{element}`).
    static func park(_ type: String, _ element: String, condition: String? = nil) -> String {
        "  src.\(element) as vs\(condition.map { " where (\($0))" } ?? "") -> tgt.extension as ext, ext.url = '\(roundTrip(type, element))', "
            + "ext.value = create('Reference') as vt then Reference(vs, vt) \"\(element)Parked\";\n"
    }

    /// FML for the way back: rebuild `tgt.<element>` from the round-trip extension.
    static func unpark(_ type: String, _ element: String) -> String {
        "  src.extension as ext where (url = '\(roundTrip(type, element))') then {\n"
            + "    ext.value : Reference as vs -> tgt.\(element) = create('Reference') as vt then Reference(vs, vt) \"\(element)Unparked\";\n"
            + "  } \"\(element)Extension\";\n"
    }

    static func roundTrip(_ type: String, _ element: String) -> String {
        "http://hl7.org/fhir/3.0/StructureDefinition/extension-\(type).\(element)"
    }

    /// The fixes dch applies (README, "dch map": the table lists the same).
    public static let all: [ReleaseMapFix] = [
        ReleaseMapFix(
            file: "R3toR4/Procedure.fml",
            original: "src.status as vs where ((src.notDone = true).not()) ->",
            replacement: "src.status as vs where (src.notDone.empty() or (src.notDone = true).not()) ->",
            reason: "`(src.notDone = true).not()` is empty, so false, when notDone is absent (most Procedures): the status was lost"),
        ReleaseMapFix(
            file: "R3toR4/Communication.fml",
            original: "src.status where (src.notDone.not()) -> tgt.status;",
            replacement: "src.status where (src.notDone.empty() or src.notDone.not()) -> tgt.status;",
            reason: "`src.notDone.not()` is empty when notDone is absent: the status (required in R4) was lost"),
        ReleaseMapFix(
            file: "R3toR4/MedicationAdministration.fml",
            original: "src.status where (src.notGiven.not()) -> tgt.status;\n  src.notGiven -> tgt.status = 'not-done';",
            replacement: "src.status where (src.notGiven.empty() or src.notGiven.not()) -> tgt.status;\n  src.notGiven where (src.notGiven = true) -> tgt.status = 'not-done';",
            reason: "the status was lost when notGiven is absent, and `notGiven = false` made the status `not-done`"),
        ReleaseMapFix(
            file: "R3toR4/Encounter.fml",
            original: "  src.class -> tgt.class;\n  src.classHistory",
            replacement: "  src.class -> tgt.class;\n" + absentInR3("class", type: "Coding", rule: "classAbsent") + "  src.classHistory",
            reason: "R4 Encounter.class is 1..1 (STU3 0..1): an Encounter without class gets one saying data-absent-reason `unknown`"),
        ReleaseMapFix(
            file: "R4toR3/Encounter.fml",
            original: "  src.class -> tgt.class;\n  src.classHistory",
            replacement: absentInR4("class", copy: true) + "  src.classHistory",
            reason: "the way back: a class that only says data-absent-reason is dropped (STU3 may leave class out)"),
        ReleaseMapFix(
            file: "R3toR4/Consent.fml",
            original: "  src.category -> tgt.category;\n",
            replacement: "  src.category -> tgt.category;\n" + absentInR3("category", type: "CodeableConcept", rule: "categoryAbsent")
                + "  src where (true) -> tgt.scope = create('CodeableConcept') as absent, absent.extension = create('Extension') as dar, "
                + "dar.url = '\(dataAbsentReason)', dar.value = create('code') as reason, reason.value = 'unknown' \"scopeAbsent\";\n",
            reason: "R4 Consent.scope is 1..1 and has no STU3 source, Consent.category is 1..* (STU3 0..*): written with data-absent-reason `unknown`"),
        ReleaseMapFix(
            file: "R4toR3/Consent.fml",
            original: "  src.category -> tgt.category;\n",
            replacement: absentInR4("category", copy: true) + absentInR4("scope", copy: false),
            reason: "the way back: category and scope that only say data-absent-reason are dropped"),
        ReleaseMapFix(
            file: "R3toR4/Parameters.fml",
            original: "    vs0.name -> vt0.name;\n",
            replacement: "    vs0.name -> vt0.name;\n    vs0.resource -> vt0.resource;\n",
            reason: "Parameters.parameter.resource was not mapped: a parameter's resource (eRS DocumentReference) was lost"),
        ReleaseMapFix(
            file: "R4toR3/Parameters.fml",
            original: "    vs0.name -> vt0.name;\n",
            replacement: "    vs0.name -> vt0.name;\n    vs0.resource -> vt0.resource;\n",
            reason: "the same on the way back"),
        ReleaseMapFix(
            file: "R3toR4/MessageHeader.fml",
            original: "then destination(vs0, vt0, src);\n",
            replacement: "then destination(vs0, vt0, src);\n" + park("MessageHeader", "receiver", condition: "src.destination.empty()"),
            reason: "R4 keeps receiver in destination (which needs an endpoint): without a destination (ITK responses) receiver was lost; "
                + "parked in the round-trip extension as the official maps park STU3-only data"),
        ReleaseMapFix(
            file: "R4toR3/MessageHeader.fml",
            original: "  src.sender -> tgt.sender;\n",
            replacement: "  src.sender -> tgt.sender;\n" + unpark("MessageHeader", "receiver"),
            reason: "the way back: receiver rebuilt from the round-trip extension"),
        ReleaseMapFix(
            file: "R3toR4/CapabilityStatement.fml",
            original: "target tgt : CapabilityStatement) extends DomainResource <<type+>> {\n",
            replacement: "target tgt : CapabilityStatement) extends DomainResource <<type+>> {\n" + park("CapabilityStatement", "profile"),
            reason: "STU3 CapabilityStatement.profile (use-case profiles, NDOP) has no R4 element and was lost: parked in the round-trip extension"),
        ReleaseMapFix(
            file: "R4toR3/CapabilityStatement.fml",
            original: "target tgt : CapabilityStatementR3) extends DomainResource <<type+>> {\n",
            replacement: "target tgt : CapabilityStatementR3) extends DomainResource <<type+>> {\n" + unpark("CapabilityStatement", "profile"),
            reason: "the way back: profile rebuilt from the round-trip extension"),
        ReleaseMapFix(
            file: "R3toR4/Observation.fml",
            original: "group related(source src, target tgt) extends BackboneElement {\n",
            replacement: "group related(source src, target tgt) extends BackboneElement {\n  src.type as t then {\n    t.value;\n  };\n",
            reason: "related.type is carried by the R4 element the rules choose (hasMember, derivedFrom, an extension) but was reported lost"),
        ReleaseMapFix(
            file: "R4toR3/Communication.fml",
            original: "src.status as v where (v != 'not-done') -> tgt.status;",
            replacement: "src.status where ($this != 'not-done') -> tgt.status;",
            reason: "with an alias the rule is no simple copy: `tgt.status` was created empty and every status but not-done was lost"),
        ReleaseMapFix(
            file: "R4toR3/ServiceRequestPR.fml",
            original: "target tgt : ProcedureRequestR3) extends DomainResource <<types>> {",
            replacement: "target tgt : ProcedureRequestR3) extends DomainResource <<type+>> {",
            reason: "R4 ServiceRequest goes back to STU3 ProcedureRequest (what DCH and CareConnect send), not ReferralRequest: "
                + "the ProcedureRequest group is made the `<<type+>>` default"),
        ReleaseMapFix(
            file: "R4toR3/ServiceRequestRR.fml",
            original: "target tgt : ReferralRequestR3) extends DomainResource <<type+>> {",
            replacement: "target tgt : ReferralRequestR3) extends DomainResource <<types>> {",
            reason: "the other half: ReferralRequest stays reachable by its map URL (`--map`), no longer the default"),
    ]
}
