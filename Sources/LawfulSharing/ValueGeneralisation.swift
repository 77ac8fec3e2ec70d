import FHIRModel

/// The value-level parts of `generalise` and `date-shift`: pure functions on lexical values.
enum ValueGeneralisation {
    /// The date part of a FHIR date, dateTime or instant (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) and the
    /// rest (`T10:00:00+01:00`); nil when the value does not start with a year.
    static func splitDate(_ value: String) -> (year: Int, month: Int?, day: Int?, rest: Substring)? {
        let u = Array(value.utf8)
        func number(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= u.count, r.allSatisfy({ u[$0] >= 48 && u[$0] <= 57 }) else { return nil }
            return r.reduce(0) { $0 * 10 + Int(u[$1] - 48) }
        }
        guard let year = number(0..<4) else { return nil }
        guard u.count > 4, u[4] == UInt8(ascii: "-"), let month = number(5..<7) else {
            return u.count == 4 ? (year, nil, nil, "") : nil
        }
        guard u.count > 7, u[7] == UInt8(ascii: "-"), let day = number(8..<10) else {
            return u.count == 7 ? (year, month, nil, "") : nil
        }
        return (year, month, day, value.dropFirst(10))
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// A date-like value cut to its month or year; nil when it is not date-like. An `instant`
    /// (which must be complete) is cut to the first day of the period at midnight UTC.
    static func truncate(_ value: String, toYear: Bool, isInstant: Bool) -> String? {
        guard let d = splitDate(value) else { return nil }
        if isInstant {
            return pad(d.year, 4) + "-" + (toYear ? "01" : pad(d.month ?? 1, 2)) + "-01T00:00:00Z"
        }
        if toYear || d.month == nil { return pad(d.year, 4) }
        return pad(d.year, 4) + "-" + pad(d.month!, 2)
    }

    /// A date-like value moved by `days`, keeping its precision and its time and zone; nil when it
    /// is not date-like. A partial date moves as its first day does.
    static func shift(_ value: String, days: Int) -> String? {
        guard let d = splitDate(value) else { return nil }
        let moved = CivilCalendar.date(days: CivilCalendar.days(year: d.year, month: d.month ?? 1, day: d.day ?? 1) + days)
        var out = pad(moved.year, 4)
        if d.month != nil { out += "-" + pad(moved.month, 2) }
        if d.day != nil { out += "-" + pad(moved.day, 2) + d.rest }
        return out
    }

    /// The outward code (postal district) of a UK postcode: `LS1 4AB` → `LS1`, `SW1A1AA` → `SW1A`.
    /// The inward code is always a digit and two letters, so it is the last three characters.
    static func postcodeDistrict(_ value: String) -> String? {
        let compact = value.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard (5...7).contains(compact.count), let first = compact.first, first.isLetter else { return nil }
        let inward = compact.suffix(3)
        guard inward.first!.isNumber, inward.dropFirst().allSatisfy(\.isLetter) else { return nil }
        return String(compact.dropLast(3))
    }

    /// Whole years from a birth date to a reference date (both at least `YYYY-MM-DD`).
    static func age(birth: String, at reference: String) -> Int? {
        guard let b = splitDate(birth), let bm = b.month, let bd = b.day,
              let r = splitDate(reference), let rm = r.month, let rd = r.day else { return nil }
        var years = r.year - b.year
        if (rm, rd) < (bm, bd) { years -= 1 }
        return years >= 0 ? years : nil
    }

    /// The label of the band an age falls in: `under 1 year`, `1 to 4 years`, `16 years and over`.
    static func bandLabel(age: Int, bands: [Int]) -> String {
        guard let k = bands.lastIndex(where: { $0 <= age }) else { return "unknown" }
        let low = bands[k]
        guard k + 1 < bands.count else { return "\(low) years and over" }
        let high = bands[k + 1] - 1
        if low == 0 { return high == 0 ? "under 1 year" : "under \(high + 1) years" }
        return low == high ? "\(low) year\(low == 1 ? "" : "s")" : "\(low) to \(high) years"
    }
}
