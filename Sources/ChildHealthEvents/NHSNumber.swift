/// NHS numbers: ten digits, the last a modulus 11 check digit over the first nine.
public enum NHSNumber {
    /// The identifier system of NHS numbers.
    public static let system = "https://fhir.nhs.uk/Id/nhs-number"

    /// True for ten ASCII digits whose last is the check digit of the first nine.
    public static func isValid(_ s: String) -> Bool {
        let digits = Array(s.utf8)
        guard digits.count == 10, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        return checkDigit(ofFirstNine: String(s.prefix(9))) == Int(digits[9] - 48)
    }

    /// The modulus 11 check digit of nine digits: weights 10 down to 2, 11 minus the remainder,
    /// 11 becoming 0. Nil when that gives 10 (no NHS number starts with those nine digits) or the
    /// input is not nine digits.
    public static func checkDigit(ofFirstNine s: String) -> Int? {
        let digits = Array(s.utf8)
        guard digits.count == 9, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var sum = 0
        for (i, d) in digits.enumerated() { sum += Int(d - 48) * (10 - i) }
        let check = 11 - sum % 11
        switch check {
        case 11: return 0
        case 10: return nil
        default: return check
        }
    }

    /// The number for display with the middle hidden: `943 *** **22` (first three and last two
    /// digits; spaces in the input are ignored). Anything not ten characters long is masked whole.
    public static func masked(_ s: String) -> String {
        let chars = Array(s.filter { $0 != " " })
        guard chars.count == 10 else { return String(repeating: "*", count: chars.count) }
        return String(chars[0..<3]) + " *** **" + String(chars[8..<10])
    }
}
