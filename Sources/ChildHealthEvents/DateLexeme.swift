import FHIRModel

/// A FHIR `date`, `dateTime` or `instant` as written (`2019`, `2019-03`, `2019-03-01`,
/// `2019-03-01T14:22:00+01:00`), read for comparing two of them at the precision both give.
/// Layer 1 reports malformed lexemes; here anything that does not read is simply not compared.
struct DateLexeme {
    /// The calendar part as written: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a local date).
    let date: Substring
    /// Seconds since 1970-01-01T00:00Z, when a time with a zone is given.
    let instant: Int?
    /// True when the time gives seconds (compared to the second, else to the minute).
    let hasSeconds: Bool

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var n = 0
            for b in bytes[from..<(from + count)] {
                guard b >= 48 && b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            return n
        }
        func byte(_ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }
        guard let year = digits(0, 4) else { return nil }
        var dateLength = 4
        var month = 1, day = 1
        if byte(4) == UInt8(ascii: "-") {
            guard let m = digits(5, 2) else { return nil }
            month = m; dateLength = 7
            if byte(7) == UInt8(ascii: "-") {
                guard let d = digits(8, 2) else { return nil }
                day = d; dateLength = 10
            }
        }
        date = text.prefix(dateLength)  // ASCII digits and hyphens: characters are bytes
        guard dateLength == 10, byte(10) == UInt8(ascii: "T"),
              let hour = digits(11, 2), byte(13) == UInt8(ascii: ":"), let minute = digits(14, 2) else {
            guard dateLength == bytes.count else { return nil }
            instant = nil; hasSeconds = false
            return
        }
        var i = 16, second = 0
        if byte(16) == UInt8(ascii: ":"), let s = digits(17, 2) {
            second = s; i = 19
            if byte(19) == UInt8(ascii: ".") {
                i = 20
                while let b = byte(i), b >= 48 && b <= 57 { i += 1 }
            }
        }
        hasSeconds = i > 16
        var offset = 0
        switch byte(i) {
        case UInt8(ascii: "Z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let h = digits(i + 1, 2), byte(i + 3) == UInt8(ascii: ":"), let m = digits(i + 4, 2) else { return nil }
            offset = (h * 60 + m) * 60 * (byte(i) == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            // A time without a zone (G13 reports it) has no instant: only its date is compared.
            instant = nil
            return
        }
        guard i == bytes.count else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        instant = days * 86_400 + hour * 3_600 + minute * 60 + second - offset
    }

    /// How `self` orders against `other` at the precision both give: the instants when both have
    /// one, else the calendar dates cut to the shorter of the two. Nil when they cannot be told
    /// apart at that precision.
    func compared(to other: DateLexeme) -> ComparisonResult? {
        if let a = instant, let b = other.instant {
            let unit = hasSeconds && other.hasSeconds ? 1 : 60
            let x = Self.floorDiv(a, unit), y = Self.floorDiv(b, unit)
            return x < y ? .ascending : x > y ? .descending : nil
        }
        let length = min(date.utf8.count, other.date.utf8.count)
        let x = date.prefix(length), y = other.date.prefix(length)
        return x < y ? .ascending : x > y ? .descending : nil
    }

    /// Which of two values comes first.
    enum ComparisonResult { case ascending, descending }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
