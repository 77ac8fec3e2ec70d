import FHIRModel

/// Dates of one message that contradict each other (`event.consistency`): a record that says a
/// child was born on two days, died before being born, or was vaccinated before birth has been
/// assembled wrongly, and a receiver linking it to the child's record would file wrong facts.
extension EventCheck {
    /// The standard extension that gives `Patient.birthDate` its time.
    static let birthTimeURL = "http://hl7.org/fhir/StructureDefinition/patient-birthTime"

    /// A Patient's birth as the message gives it: `birthDate`, and its `patient-birthTime` when present.
    struct Birth {
        let date: DateLexeme, dateText: String, datePath: String
        let time: DateLexeme?, timeText: String?, timePath: String?

        /// True when the birth time falls on another day than the birth date.
        var timeContradictsDate: Bool {
            guard let time else { return false }
            let length = min(time.date.utf8.count, date.date.utf8.count)
            return time.date.prefix(length) != date.date.prefix(length)
        }

        /// The most precise of the two, for comparisons with other dates: the birth time, unless it
        /// contradicts the birth date (reported on its own), then the date.
        var best: (lexeme: DateLexeme, text: String, path: String) {
            if let time, let timeText, let timePath, !timeContradictsDate { return (time, timeText, timePath) }
            return (date, dateText, datePath)
        }
    }

    /// The birth of a Patient entry, when its `birthDate` reads as a date.
    static func birth(of entry: EventMessage.Entry) -> Birth? {
        guard let k = entry.resource.indexOfChild("birthDate") else { return nil }
        let element = entry.resource.children[k]
        guard let text = element.value, let date = DateLexeme(text) else { return nil }
        let path = entry.path + ".birthDate"
        var i = 0
        for ext in element.children where ext.name == "extension" {
            defer { i += 1 }
            guard ext.url == birthTimeURL, let timeText = ext.valueOfChild("valueDateTime"), let time = DateLexeme(timeText) else { continue }
            return Birth(date: date, dateText: text, datePath: path, time: time, timeText: timeText,
                         timePath: path + ".extension[\(i)].valueDateTime")
        }
        return Birth(date: date, dateText: text, datePath: path, time: nil, timeText: nil, timePath: nil)
    }

    /// Elements giving when something was done to or recorded of the patient, by resource type:
    /// none of them can come before the birth. (Not Condition, Flag, CarePlan or referrals, which
    /// may rightly be raised before a birth, e.g. a pre-birth safeguarding plan.)
    static let clinicalDates: [String: [[String]]] = [
        "Encounter": [["period", "start"]],
        "Observation": [["effectiveDateTime"], ["effectivePeriod", "start"]],
        "Immunization": [["date"]],
        "Procedure": [["performedDateTime"], ["performedPeriod", "start"]],
        "DiagnosticReport": [["effectiveDateTime"], ["effectivePeriod", "start"]],
        "MedicationAdministration": [["effectiveDateTime"], ["effectivePeriod", "start"]],
        "Specimen": [["collection", "collectedDateTime"], ["collection", "collectedPeriod", "start"]],
        "QuestionnaireResponse": [["authored"]],
    ]

    /// Every Patient's birth time against its birth date and its death; the event's clinical
    /// dates against the birth of the event's patient.
    mutating func checkConsistency() {
        let entries = message.entries
        for e in entries.indices where entries[e].type == "Patient" {
            guard let birth = Self.birth(of: entries[e]) else { continue }
            if birth.timeContradictsDate, let timeText = birth.timeText, let timePath = birth.timePath {
                add(.warning, .invalid, "consistency", "patient-birthTime \(timeText) is on another day than birthDate "
                    + "\(birth.dateText) (\(birth.datePath))", path: timePath, at: entries[e].resource)
            }
            if let k = entries[e].resource.indexOfChild("deceasedDateTime"), let text = entries[e].resource.children[k].value,
               let death = DateLexeme(text), death.compared(to: birth.best.lexeme) == .ascending {
                add(.warning, .invalid, "consistency", "deceasedDateTime \(text) is before the birth \(birth.best.text) "
                    + "(\(birth.best.path))", path: entries[e].path + ".deceasedDateTime", at: entries[e].resource.children[k])
            }
        }
        if let patient, let birth = Self.birth(of: patient) { checkClinicalDates(after: birth, of: patient) }
    }

    /// The clinical dates of the entries about `patient` (by `subject` or `patient`) that come before its birth.
    mutating func checkClinicalDates(after birth: Birth, of patient: EventMessage.Entry) {
        let relative = patient.resource.valueOfChild("id").map { "Patient/" + $0 }
        let entries = message.entries
        for e in entries.indices {
            guard let dates = Self.clinicalDates[entries[e].type] else { continue }
            let resource = entries[e].resource
            let reference = (resource.indexOfChild("subject") ?? resource.indexOfChild("patient"))
                .flatMap { resource.children[$0].valueOfChild("reference") }
            guard let reference, reference == patient.fullUrl || (relative.map { reference.hasSuffix($0) } ?? false) else { continue }
            // A birth Encounter starts with labour, which may rightly come before the birth.
            if entries[e].type == "Encounter", entries[e].profiles.contains(where: { $0.contains("Birth-Encounter") }) { continue }
            for steps in dates {
                guard let element = Self.descendant(resource, steps), let text = element.value,
                      let date = DateLexeme(text), date.compared(to: birth.best.lexeme) == .ascending else { continue }
                add(.warning, .invalid, "consistency", "\(entries[e].type).\(steps.joined(separator: ".")) \(text) is before "
                    + "the patient's birth \(birth.best.text) (\(birth.best.path))",
                    path: entries[e].path + "." + steps.joined(separator: "."), at: element)
            }
        }
    }

    private static func descendant(_ element: Element, _ steps: [String]) -> Element? {
        var current = element
        for step in steps {
            guard let k = current.indexOfChild(step) else { return nil }
            current = current.children[k]
        }
        return current
    }
}
