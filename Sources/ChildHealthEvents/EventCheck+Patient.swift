import FHIRModel

extension EventCheck {
    /// G10: the routing demographics of a NEMS header, and their agreement with the Patient.
    mutating func checkRoutingDemographics(_ header: EventMessage.Entry, _ event: EventDefinition) {
        guard let (routing, path) = message.routingDemographics else {
            add(.error, .required, EventRuleID.g10, "a \(event.name) MessageHeader needs the routing demographics extension "
                + "(\(EventMessage.routingDemographicsURL))", path: header.path + ".extension", at: header.resource)
            return
        }
        // Screening deletes may drop the Patient, and with it routing name and birth date (G10).
        let relaxed = eventType == .delete && event.subject?.cardinality(for: .delete).min == 0
        var parts: [String: (Element, String)] = [:]
        for (i, ext) in routing.children(named: "extension").enumerated() {
            if let url = ext.url, parts[url] == nil { parts[url] = (ext, path + ".extension[\(i)]") }
        }
        let patient = self.patient
        if let (ext, extPath) = parts["nhsNumber"] {
            let id = ext.child("valueIdentifier")
            let system = id?.child("system")?.value, value = id?.child("value")?.value
            if system != NHSNumber.system {
                add(.error, .value, EventRuleID.g10, "the routing NHS number must have system \(NHSNumber.system), not \(system ?? "none")",
                    path: extPath + ".valueIdentifier.system", at: id ?? ext)
            }
            if let value {
                checkNHSNumber(value, rule: EventRuleID.g10, path: extPath + ".valueIdentifier.value", at: id?.child("value") ?? ext)
                if let patient, let patientNumber = EventMessage.identifier(of: patient, system: NHSNumber.system)?.value,
                   patientNumber != value {
                    add(.error, .invalid, EventRuleID.g10, "the routing NHS number \(NHSNumber.masked(value)) differs from the Patient's "
                        + "\(NHSNumber.masked(patientNumber)) (\(patient.path))", path: extPath + ".valueIdentifier.value",
                        at: id?.child("value") ?? ext)
                }
            } else {
                add(.error, .required, EventRuleID.g10, "the routing NHS number has no value", path: extPath + ".valueIdentifier.value", at: ext)
            }
        } else {
            add(.error, .required, EventRuleID.g10, "routing demographics need nhsNumber", path: path + ".extension", at: routing)
        }
        if let (ext, extPath) = parts["name"] {
            let family = ext.child("valueHumanName")?.child("family")?.value
            if let family, let patient, let patientFamily = Self.officialFamily(patient.resource),
               family.lowercased() != patientFamily.lowercased() {
                add(.warning, .invalid, EventRuleID.g10, "the routing family name '\(family)' differs from the Patient's '\(patientFamily)'",
                    path: extPath + ".valueHumanName.family", at: ext)
            }
        } else if !relaxed {
            add(.error, .required, EventRuleID.g10, "routing demographics need name (the official PDS name)", path: path + ".extension", at: routing)
        }
        if let (ext, extPath) = parts["birthDateTime"] {
            // Compared at the precision both give: the date, and the instant when the Patient's
            // birthDate carries a patient-birthTime and the routing value a time, both with zones.
            if let value = ext.child("valueDateTime")?.value, let routing = DateLexeme(value),
               let patient, let birth = Self.birth(of: patient) {
                var differing = routing.compared(to: birth.date) != nil ? (birth.dateText, birth.datePath) : nil
                if differing == nil, let time = birth.time, let text = birth.timeText, routing.compared(to: time) != nil {
                    differing = (text, birth.timePath)
                }
                if let (text, otherPath) = differing {
                    add(.error, .invalid, EventRuleID.g10, "the routing birth date-time \(value) differs from the Patient's \(text) "
                        + "(\(otherPath))", path: extPath + ".valueDateTime", at: ext)
                }
            }
        } else if !relaxed {
            add(.error, .required, EventRuleID.g10, "routing demographics need birthDateTime", path: path + ".extension", at: routing)
        }
    }

    /// The family name of the official name, else of the first name.
    static func officialFamily(_ patient: Element) -> String? {
        let names = patient.children(named: "name")
        let name = names.first { $0.child("use")?.value == "official" } ?? names.first
        return name?.child("family")?.value
    }

    /// G11: every Patient's NHS number identifiers; G9 does the PDS serial number.
    mutating func checkPatients(_ plan: EventPlan) {
        let entries = message.entries
        for e in entries.indices where entries[e].type == "Patient" {
            let entry = entries[e]
            var hasNumber = false
            // Paths are built only for findings: most identifiers are fine.
            let children = entry.resource.children
            var i = 0
            for k in children.indices where children[k].name == "identifier" {
                defer { i += 1 }
                let system = children[k].valueOfChild(named: "system") ?? ""
                if system == NHSNumber.system {
                    hasNumber = true
                    if let value = children[k].valueOfChild(named: "value") {
                        checkNHSNumber(value, rule: EventRuleID.g11, path: entry.path + ".identifier[\(i)].value",
                                       at: children[k].child("value") ?? children[k])
                    }
                } else if Self.mentions(system, "nhs-number") {
                    add(.warning, .value, EventRuleID.g11, "identifier system \(system) looks like an NHS number system; "
                        + "NHS numbers use \(NHSNumber.system)", path: entry.path + ".identifier[\(i)].system", at: children[k])
                }
            }
            if !hasNumber, entry.index == patient?.index, plan.hasSubject {
                add(.warning, .required, EventRuleID.g11, "the event's Patient carries no NHS number (\(NHSNumber.system))",
                    path: entry.path + ".identifier", at: entry.resource)
            }
        }
    }

    /// G11: ten digits with a valid modulus 11 check digit. The path and element are worked out
    /// only for a finding.
    mutating func checkNHSNumber(_ value: String, rule: EventRuleID, path: @autoclosure () -> String,
                                 at element: @autoclosure () -> Element) {
        if value.utf8.count != 10 || !value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            add(.error, .value, rule, "'\(value)' is not an NHS number: ten digits expected", path: path(), at: element())
        } else if !NHSNumber.isValid(value) {
            let expected = NHSNumber.checkDigit(ofFirstNine: String(value.prefix(9)))
            add(.error, .value, rule, "NHS number \(NHSNumber.masked(value)) fails the modulus 11 check "
                + (expected.map { "(check digit \($0) expected)" } ?? "(no NHS number starts with these nine digits)"),
                path: path(), at: element())
        }
    }

    /// G12: ODS codes in their systems with a plausible format.
    mutating func checkOrganizations() {
        let entries = message.entries
        for e in entries.indices {
            let type = entries[e].type
            guard type == "Organization" || type == "Location" || type == "HealthcareService" else { continue }
            let children = entries[e].resource.children
            var i = 0
            for k in children.indices where children[k].name == "identifier" {
                defer { i += 1 }
                let system = children[k].valueOfChild(named: "system") ?? ""
                if system == ODSCode.organizationSystem || system == ODSCode.siteSystem {
                    if let value = children[k].valueOfChild(named: "value"), !ODSCode.isPlausible(value, system: system) {
                        add(.warning, .value, EventRuleID.g12, "'\(value)' does not look like an ODS code of \(system) "
                            + "(upper-case letters and digits, at least one letter, \(system == ODSCode.siteSystem ? "3-9" : "3-6") characters)",
                            path: entries[e].path + ".identifier[\(i)].value", at: children[k].child("value") ?? children[k])
                    }
                } else if Self.mentions(system, "ods-organization-code") || Self.mentions(system, "ods-site-code") {
                    add(.warning, .value, EventRuleID.g12, "identifier system \(system) is not an ODS system; use "
                        + "\(ODSCode.organizationSystem) or \(ODSCode.siteSystem)", path: entries[e].path + ".identifier[\(i)].system",
                        at: children[k])
                }
            }
        }
    }

    /// `system.lowercased().contains(word)` for a lower-case ASCII word, without lower-casing the
    /// systems that cannot hold it. A byte search ignoring ASCII case rules those out first: only
    /// U+212A (Kelvin sign, to `k`) and U+0130 (to `i` and a combining dot) lower-case to ASCII
    /// letters, so for a word with no `k` that does not end in `i` a miss is certain.
    static func mentions(_ system: String, _ word: String) -> Bool {
        guard !word.utf8.contains(UInt8(ascii: "k")), word.utf8.last != UInt8(ascii: "i") else {
            return system.lowercased().contains(word)
        }
        let possible = containsIgnoringASCIICase(system.utf8.span, word.utf8.span)
        return possible && system.lowercased().contains(word)
    }

    private static func containsIgnoringASCIICase(_ haystack: Span<UInt8>, _ needle: Span<UInt8>) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) {
            var k = 0
            while k < needle.count {
                var b = haystack[start + k]
                if b >= 65 && b <= 90 { b += 32 }
                if b != needle[k] { break }
                k += 1
            }
            if k == needle.count { return true }
        }
        return false
    }
}
