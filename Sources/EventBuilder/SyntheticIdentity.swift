import ChildHealthEvents

/// Synthetic identifiers: test NHS numbers and ODS-style organisation codes.
public enum SyntheticIdentity {
    /// A test NHS number: `999` followed by six random digits and a valid modulus 11 check digit
    /// (numbers whose check digit would be 10 are skipped, as they are never issued).
    public static func nhsNumber(using random: inout SeededRandom) -> String {
        while true {
            var nine = "999"
            for _ in 0..<6 { nine.append(Character(String(random.int(in: 0...9)))) }
            if let check = NHSNumber.checkDigit(ofFirstNine: nine) { return nine + String(check) }
        }
    }

    /// A synthetic ODS organisation code: `Y` and five digits (the `Y` prefix marks codes that
    /// are not real trusts or practices in our samples).
    public static func odsOrganisationCode(using random: inout SeededRandom) -> String {
        "Y" + digits(5, using: &random)
    }

    /// `count` random decimal digits.
    static func digits(_ count: Int, using random: inout SeededRandom) -> String {
        var s = ""
        for _ in 0..<count { s.append(Character(String(random.int(in: 0...9)))) }
        return s
    }
}
