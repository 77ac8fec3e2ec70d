import FHIRModel

/// A FHIR `date`, `dateTime` or `instant` as written (`2019`, `2019-03`, `2019-03-01`,
/// `2019-03-01T14:22:00+01:00`), read for comparing two of them at the precision both give.
/// Layer 1 reports malformed lexemes; here anything that does not read is simply not compared.
/// Read over the UTF-8 bytes in place, into integers: no copy, no allocation.
struct DateLexeme {
    /// The calendar date as written (a local date), with the parts not given as 0.
    let year: Int, month: Int, day: Int
    /// 1 for a year, 2 for a year and month, 3 for a full date.
    let precision: Int
    /// Seconds since 1970-01-01T00:00Z, when a time with a zone is given.
    let instant: Int?
    /// True when the time gives seconds (compared to the second, else to the minute).
    let hasSeconds: Bool

    init?(_ text: String) {
        guard let read = Self.read(text.utf8.span) else { return nil }
        self = read
    }

    private init(year: Int, month: Int, day: Int, precision: Int, instant: Int?, hasSeconds: Bool) {
        self.year = year; self.month = month; self.day = day
        self.precision = precision; self.instant = instant; self.hasSeconds = hasSeconds
    }

    /// `count` digits of `bytes` from `from`, as a number; nil when they are not all there.
    private static func digits(_ bytes: Span<UInt8>, _ from: Int, _ count: Int) -> Int? {
        guard from + count <= bytes.count else { return nil }
        var n = 0
        for i in from..<(from + count) {
            let b = bytes[i]
            guard b >= 48 && b <= 57 else { return nil }
            n = n * 10 + Int(b - 48)
        }
        return n
    }

    /// The byte at `i`, nil past the end.
    private static func byte(_ bytes: Span<UInt8>, _ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }

    private static func read(_ bytes: Span<UInt8>) -> DateLexeme? {
        let dash = UInt8(ascii: "-")
        guard let year = digits(bytes, 0, 4) else { return nil }
        var precision = 1, month = 0, day = 0
        if byte(bytes, 4) == dash {
            guard let m = digits(bytes, 5, 2) else { return nil }
            month = m; precision = 2
            if byte(bytes, 7) == dash {
                guard let d = digits(bytes, 8, 2) else { return nil }
                day = d; precision = 3
            }
        }
        let dateLength = precision == 1 ? 4 : precision == 2 ? 7 : 10
        guard precision == 3, byte(bytes, 10) == UInt8(ascii: "T"),
              let hour = digits(bytes, 11, 2), byte(bytes, 13) == UInt8(ascii: ":"), let minute = digits(bytes, 14, 2) else {
            guard dateLength == bytes.count else { return nil }
            return DateLexeme(year: year, month: month, day: day, precision: precision, instant: nil, hasSeconds: false)
        }
        var i = 16, second = 0
        if byte(bytes, 16) == UInt8(ascii: ":"), let s = digits(bytes, 17, 2) {
            second = s; i = 19
            if byte(bytes, 19) == UInt8(ascii: ".") {
                i = 20
                while let b = byte(bytes, i), b >= 48 && b <= 57 { i += 1 }
            }
        }
        let hasSeconds = i > 16
        var offset = 0
        switch byte(bytes, i) {
        case UInt8(ascii: "Z"):
            i += 1
        case UInt8(ascii: "+"), dash:
            guard let h = digits(bytes, i + 1, 2), byte(bytes, i + 3) == UInt8(ascii: ":"), let m = digits(bytes, i + 4, 2) else { return nil }
            offset = (h * 60 + m) * 60 * (byte(bytes, i) == dash ? -1 : 1)
            i += 6
        default:
            // A time without a zone (G13 reports it) has no instant: only its date is compared.
            return DateLexeme(year: year, month: month, day: day, precision: 3, instant: nil, hasSeconds: hasSeconds)
        }
        guard i == bytes.count else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        return DateLexeme(year: year, month: month, day: day, precision: 3,
                          instant: days * 86_400 + hour * 3_600 + minute * 60 + second - offset, hasSeconds: hasSeconds)
    }

    /// How `self` orders against `other` at the precision both give: the instants when both have
    /// one, else the calendar dates cut to the coarser of the two. Nil when they cannot be told
    /// apart at that precision.
    func compared(to other: DateLexeme) -> ComparisonResult? {
        if let a = instant, let b = other.instant {
            let unit = hasSeconds && other.hasSeconds ? 1 : 60
            let x = Self.floorDiv(a, unit), y = Self.floorDiv(b, unit)
            return x < y ? .ascending : x > y ? .descending : nil
        }
        return comparedDates(to: other)
    }

    /// The calendar dates (as written, local) compared at the coarser precision of the two.
    func comparedDates(to other: DateLexeme) -> ComparisonResult? {
        let common = min(precision, other.precision)
        let (a, b) = year != other.year || common == 1 ? (year, other.year)
            : month != other.month || common == 2 ? (month, other.month) : (day, other.day)
        return a < b ? .ascending : a > b ? .descending : nil
    }

    /// Which of two values comes first.
    enum ComparisonResult { case ascending, descending }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
