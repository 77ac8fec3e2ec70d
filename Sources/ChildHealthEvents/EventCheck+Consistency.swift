import FHIRModel

/// Dates of one message that contradict each other (`event.consistency`): a record that says a
/// child was born on two days, died before being born, or was vaccinated before birth has been
/// assembled wrongly, and a receiver linking it to the child's record would file wrong facts.
extension EventCheck {
    /// The standard extension that gives `Patient.birthDate` its time.
    static let birthTimeURL = "http://hl7.org/fhir/StructureDefinition/patient-birthTime"

    /// A Patient's birth as the message gives it: `birthDate`, and its `patient-birthTime` when
    /// present. Paths are worked out only for a finding.
    struct Birth {
        let entry: EventMessage.Entry
        let date: DateLexeme, dateText: String
        let time: DateLexeme?, timeText: String?
        /// The birth time extension's position among `birthDate`'s extensions.
        let timeExtension: Int

        var datePath: String { entry.path + ".birthDate" }
        var timePath: String { datePath + ".extension[\(timeExtension)].valueDateTime" }

        /// True when the birth time falls on another day than the birth date.
        var timeContradictsDate: Bool {
            guard let time else { return false }
            return time.comparedDates(to: date) != nil
        }

        /// The most precise of the two, for comparisons with other dates: the birth time, unless it
        /// contradicts the birth date (reported on its own), then the date.
        var best: DateLexeme {
            if let time, !timeContradictsDate { return time }
            return date
        }

        /// True when ``best`` is the birth time.
        private var bestIsTime: Bool { time != nil && !timeContradictsDate }
        /// ``best`` as written, for findings.
        var bestText: String { bestIsTime ? timeText ?? dateText : dateText }
        /// Where ``best`` is, for findings.
        var bestPath: String { bestIsTime ? timePath : datePath }
    }

    /// The birth of a Patient entry, when its `birthDate` reads as a date.
    static func birth(of entry: EventMessage.Entry) -> Birth? {
        guard let k = entry.resource.indexOfChild("birthDate") else { return nil }
        let element = entry.resource.children[k]
        guard let text = element.value, let date = DateLexeme(text) else { return nil }
        var i = 0
        for ext in element.children where ext.name == "extension" {
            defer { i += 1 }
            guard ext.url == birthTimeURL, let timeText = ext.valueOfChild(named: "valueDateTime"),
                  let time = DateLexeme(timeText) else { continue }
            return Birth(entry: entry, date: date, dateText: text, time: time, timeText: timeText, timeExtension: i)
        }
        return Birth(entry: entry, date: date, dateText: text, time: nil, timeText: nil, timeExtension: 0)
    }

    /// Elements giving when something was done to or recorded of the patient, by resource type:
    /// none of them can come before the birth. (Not Condition, Flag, CarePlan or referrals, which
    /// may rightly be raised before a birth, e.g. a pre-birth safeguarding plan.) A switch, not a
    /// dictionary: no hashing of every entry's type.
    static func clinicalDates(of type: String) -> [[String]]? {
        switch type {
        case "Encounter": return ClinicalDates.encounter
        case "Observation", "DiagnosticReport", "MedicationAdministration": return ClinicalDates.effective
        case "Immunization": return ClinicalDates.immunization
        case "Procedure": return ClinicalDates.procedure
        case "Specimen": return ClinicalDates.specimen
        case "QuestionnaireResponse": return ClinicalDates.questionnaireResponse
        default: return nil
        }
    }

    /// The paths of ``clinicalDates(of:)``, made once.
    private enum ClinicalDates {
        static let encounter = [["period", "start"]]
        static let effective = [["effectiveDateTime"], ["effectivePeriod", "start"]]
        static let immunization = [["date"]]
        static let procedure = [["performedDateTime"], ["performedPeriod", "start"]]
        static let specimen = [["collection", "collectedDateTime"], ["collection", "collectedPeriod", "start"]]
        static let questionnaireResponse = [["authored"]]
    }

    /// Every Patient's birth time against its birth date and its death; the event's clinical
    /// dates against the birth of the event's patient.
    mutating func checkConsistency() {
        let entries = message.entries
        for e in entries.indices where entries[e].type == "Patient" {
            guard let birth = Self.birth(of: entries[e]) else { continue }
            if birth.timeContradictsDate, let timeText = birth.timeText {
                add(.warning, .invalid, EventRuleID.consistency, "patient-birthTime \(timeText) is on another day than birthDate "
                    + "\(birth.dateText) (\(birth.datePath))", path: birth.timePath, at: entries[e].resource)
            }
            if let k = entries[e].resource.indexOfChild("deceasedDateTime"), let text = entries[e].resource.children[k].value,
               let death = DateLexeme(text), death.compared(to: birth.best) == .ascending {
                add(.warning, .invalid, EventRuleID.consistency, "deceasedDateTime \(text) is before the birth \(birth.bestText) "
                    + "(\(birth.bestPath))", path: entries[e].path + ".deceasedDateTime", at: entries[e].resource.children[k])
            }
        }
        if let patient, let birth = Self.birth(of: patient) { checkClinicalDates(after: birth, of: patient) }
    }

    /// The clinical dates of the entries about `patient` (by `subject` or `patient`) that come before its birth.
    mutating func checkClinicalDates(after birth: Birth, of patient: EventMessage.Entry) {
        let id = patient.resource.valueOfChild(named: "id")
        let best = birth.best
        let entries = message.entries
        for e in entries.indices {
            guard let dates = Self.clinicalDates(of: entries[e].type) else { continue }
            let resource = entries[e].resource
            guard let reference = (resource.indexOfChild("subject") ?? resource.indexOfChild("patient"))
                    .flatMap({ resource.children[$0].valueOfChild(named: "reference") }),
                  Self.names(reference, fullUrl: patient.fullUrl, patientID: id) else { continue }
            for steps in dates {
                guard let text = Self.value(steps[...], in: resource), let date = DateLexeme(text),
                      date.compared(to: best) == .ascending else { continue }
                // A birth Encounter starts with labour, which may rightly come before the birth.
                if entries[e].type == "Encounter", entries[e].profiles.contains(where: { $0.contains("Birth-Encounter") }) { continue }
                let path = steps.joined(separator: ".")
                add(.warning, .invalid, EventRuleID.consistency, "\(entries[e].type).\(path) \(text) is before the patient's birth "
                    + "\(birth.bestText) (\(birth.bestPath))", path: entries[e].path + "." + path,
                    at: resource.descendant(path))
            }
        }
    }

    /// Whether a reference names the patient: its fullUrl, or a `Patient/<id>` (relative or absolute).
    private static func names(_ reference: String, fullUrl: String?, patientID: String?) -> Bool {
        if let fullUrl, reference.isSame(as: fullUrl) { return true }
        guard let patientID, reference.hasSuffix(patientID) else { return false }
        return reference.dropLast(patientID.utf8.count).hasSuffix("Patient/")
    }

    /// The value at `steps` below `e` (the first child of each name), read in place.
    private static func value(_ steps: ArraySlice<String>, in e: Element) -> String? {
        guard let step = steps.first else { return e.value }
        guard let k = e.indexOfChild(step) else { return nil }
        let kids = e.children.span
        return value(steps.dropFirst(), in: kids[k])
    }
}
