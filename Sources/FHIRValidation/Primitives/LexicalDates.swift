/// Lexical rules of date, dateTime, time and instant, plus the calendar check the regexes lack
/// ("Dates SHALL be valid dates": no day 00, no 2017-02-30).
extension Lexical {
    /// `-?YYYY(-MM(-DD)?)?`, no zone.
    static func date(_ s: Span<UInt8>) -> LexicalFailure? {
        var i = 0
        let parts = datePart(s, &i)
        guard parts.failure == nil else { return parts.failure }
        return i == s.count ? nil : .syntax
    }

    /// A date, optionally followed (after a full date only) by `Thh:mm:ss(.f+)?` and a zone, which
    /// is then required.
    static func dateTime(_ s: Span<UInt8>) -> LexicalFailure? {
        var i = 0
        let parts = datePart(s, &i)
        if i == s.count { return parts.failure }
        // A time needs a full date.
        guard parts.failure != .syntax, parts.components == 3, s[i] == UInt8(ascii: "T") else { return .syntax }
        i += 1
        guard timePart(s, &i), zonePart(s, &i), i == s.count else { return .syntax }
        return parts.failure
    }

    /// `hh:mm:ss(.f+)?`, no date, no zone.
    static func time(_ s: Span<UInt8>) -> LexicalFailure? {
        var i = 0
        return timePart(s, &i) && i == s.count ? nil : .syntax
    }

    /// Full date, `T`, time to the second and a zone, always.
    static func instant(_ s: Span<UInt8>) -> LexicalFailure? {
        var i = 0
        let parts = datePart(s, &i)
        guard parts.failure != .syntax, parts.components == 3, i < s.count, s[i] == UInt8(ascii: "T") else {
            return .syntax
        }
        i += 1
        guard timePart(s, &i), zonePart(s, &i), i == s.count else { return .syntax }
        return parts.failure
    }

    /// Reads `-?YYYY(-MM(-DD)?)?` from `i`: how many components it found and any failure (a syntax
    /// failure leaves `i` anywhere). Month 01-12; day 01 up to the month's length.
    static func datePart(_ s: Span<UInt8>, _ i: inout Int) -> (components: Int, failure: LexicalFailure?) {
        if i < s.count && s[i] == UInt8(ascii: "-") { i += 1 }
        guard let year = digits(s, &i, 4) else { return (0, .syntax) }
        guard i < s.count, s[i] == UInt8(ascii: "-") else { return (1, nil) }
        i += 1
        guard let month = digits(s, &i, 2), month >= 1, month <= 12 else { return (1, .syntax) }
        guard i < s.count, s[i] == UInt8(ascii: "-") else { return (2, nil) }
        i += 1
        // The pattern takes days 00-31; real days are checked after.
        guard let day = digits(s, &i, 2), day <= 31 else { return (2, .syntax) }
        return (3, day >= 1 && day <= daysIn(month: month, year: year) ? nil : .calendar)
    }

    /// `([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?` from `i`.
    static func timePart(_ s: Span<UInt8>, _ i: inout Int) -> Bool {
        guard let h = digits(s, &i, 2), h <= 23, colon(s, &i),
              let m = digits(s, &i, 2), m <= 59, colon(s, &i),
              let sec = digits(s, &i, 2), sec <= 59 else { return false }
        if i < s.count && s[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < s.count && isDigit(s[i]) { i += 1 }
            return i > start
        }
        return true
    }

    /// `Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)` from `i`.
    static func zonePart(_ s: Span<UInt8>, _ i: inout Int) -> Bool {
        guard i < s.count else { return false }
        if s[i] == UInt8(ascii: "Z") {
            i += 1
            return true
        }
        guard s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard let h = digits(s, &i, 2), colon(s, &i), let m = digits(s, &i, 2), m <= 59 else { return false }
        return h <= 13 || (h == 14 && m == 0)
    }

    /// Exactly `n` digits from `i`, as a number.
    @inline(__always)
    static func digits(_ s: Span<UInt8>, _ i: inout Int, _ n: Int) -> Int? {
        guard i + n <= s.count else { return nil }
        var value = 0
        for k in i..<(i + n) {
            guard isDigit(s[k]) else { return nil }
            value = value * 10 + Int(s[k] - digit0)
        }
        i += n
        return value
    }

    @inline(__always)
    static func colon(_ s: Span<UInt8>, _ i: inout Int) -> Bool {
        guard i < s.count, s[i] == UInt8(ascii: ":") else { return false }
        i += 1
        return true
    }

    /// Days in a month of the proleptic Gregorian calendar (xs:date's calendar).
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
