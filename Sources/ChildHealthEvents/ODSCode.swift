/// Organisation Data Service codes, the identifiers of NHS organisations and sites.
public enum ODSCode {
    /// The identifier system of ODS organisation codes.
    public static let organizationSystem = "https://fhir.nhs.uk/Id/ods-organization-code"
    /// The identifier system of ODS site codes.
    public static let siteSystem = "https://fhir.nhs.uk/Id/ods-site-code"
    /// Both ODS identifier systems.
    public static let systems: Set<String> = [organizationSystem, siteSystem]

    /// True when `code` has the shape of an ODS code of that system: upper-case letters and digits
    /// with at least one letter, 3 to 6 characters for an organisation (trusts `RR8`, practices
    /// `A83627`), 3 to 9 for a site (`RX3EP`, `A83627001`). Whether the code exists needs the ODS
    /// service, which dch never calls. With a system other than the two ODS ones, false.
    public static func isPlausible(_ code: String, system: String?) -> Bool {
        let range: ClosedRange<Int>
        switch system {
        case organizationSystem: range = 3...6
        case siteSystem: range = 3...9
        case nil: range = 3...9
        default: return false
        }
        guard range.contains(code.utf8.count) else { return false }
        var hasLetter = false
        for b in code.utf8 {
            if b >= 65 && b <= 90 { hasLetter = true } else if !(b >= 48 && b <= 57) { return false }
        }
        return hasLetter
    }
}
