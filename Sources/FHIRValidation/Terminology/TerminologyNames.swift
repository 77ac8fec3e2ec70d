/// Names of well-known code systems for messages, and the case rule of external ones.
enum TerminologyNames {
    /// Large external terminologies the pack cannot hold, by system URL.
    /// A short list scanned by length first: cheaper than hashing the URL for each note.
    static let external: [(url: String, name: String)] = [
        ("http://snomed.info/sct", "SNOMED CT"),
        ("http://loinc.org", "LOINC"),
        ("http://unitsofmeasure.org", "UCUM"),
        ("urn:ietf:bcp:47", "BCP 47 language tags"),
        ("urn:ietf:bcp:13", "MIME types (BCP 13)"),
        ("urn:iso:std:iso:3166", "ISO 3166 country codes"),
        ("http://hl7.org/fhir/sid/icd-10", "ICD-10"),
        ("https://dmd.nhs.uk", "dm+d"),
        ("http://read.info/readv2", "Read v2"),
        ("http://read.info/ctv3", "Read CTV3"),
    ]

    /// The name of a large external terminology, by system URL.
    static func externalName(_ url: String) -> String? {
        let length = url.utf8.count
        for entry in external where entry.url.utf8.count == length && entry.url == url { return entry.name }
        return nil
    }

    /// Systems outside the pack whose codes are case sensitive (UCUM: `mg` is not `Mg`). Other
    /// unknown systems compare codes in any case, as the spec advises when the rule is not known.
    static let caseSensitiveExternal: Set<String> = ["http://unitsofmeasure.org"]

    /// `SNOMED CT (http://snomed.info/sct)` or the bare URL.
    static func label(ofSystem url: String) -> String {
        externalName(url).map { "\($0) (\(url))" } ?? url
    }

    /// `'Name' (url)` for a code system of the pack.
    static func label(of cs: CodeSystemIndex) -> String {
        if let known = externalName(cs.url) { return "\(known) (\(cs.url))" }
        return cs.name.map { "'\($0)' (\(cs.url))" } ?? "'\(cs.url)'"
    }
}

extension TerminologyNames {
    /// Why a code system of the pack that is not complete cannot decide membership.
    static func partial(_ cs: CodeSystemIndex) -> String {
        if cs.content == "not-present" {
            return "\(label(of: cs)) cannot be checked offline: the pack holds none of its concepts"
        }
        return "the pack holds only part of \(label(of: cs)) (content: \(cs.content ?? "not stated"))"
    }
}
