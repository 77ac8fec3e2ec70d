/// A calendar instant at minute precision in UTC, with the arithmetic the generator needs (days and
/// minutes forward) and the FHIR lexical forms. No Foundation dates: the output must not depend on the
/// machine's time zone or clock.
public struct FHIRTime: Sendable, Hashable, Comparable {
    /// Minutes since 1970-01-01T00:00Z.
    public var minutes: Int

    /// The instant `minutes` after the Unix epoch.
    public init(minutes: Int) { self.minutes = minutes }

    /// Midnight UTC plus `hour`:`minute` on a civil date.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) {
        minutes = (FHIRTime.daysFromCivil(year, month, day) * 24 + hour) * 60 + minute
    }

    /// This instant `days` days and `minutes` minutes later.
    public func adding(days: Int = 0, minutes: Int = 0) -> FHIRTime {
        FHIRTime(minutes: self.minutes + days * 1440 + minutes)
    }

    public static func < (a: FHIRTime, b: FHIRTime) -> Bool { a.minutes < b.minutes }

    /// `YYYY-MM-DD`.
    public var date: String {
        let (y, m, d) = FHIRTime.civil(fromDays: minutes.floorDiv(1440))
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `YYYY-MM-DDThh:mm:00+00:00`: a FHIR dateTime (and instant) with seconds and a zone (G13).
    public var dateTime: String {
        let inDay = minutes - minutes.floorDiv(1440) * 1440
        return "\(date)T\(pad(inDay / 60, 2)):\(pad(inDay % 60, 2)):00+00:00"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

private func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

extension Int {
    fileprivate func floorDiv(_ d: Int) -> Int {
        self >= 0 ? self / d : -((-self + d - 1) / d)
    }
}
