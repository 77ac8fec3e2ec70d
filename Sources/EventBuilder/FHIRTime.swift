import FHIRModel

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
        minutes = (CivilCalendar.days(year: year, month: month, day: day) * 24 + hour) * 60 + minute
    }

    /// This instant `days` days and `minutes` minutes later.
    public func adding(days: Int = 0, minutes: Int = 0) -> FHIRTime {
        FHIRTime(minutes: self.minutes + days * 1440 + minutes)
    }

    /// Earlier instants first.
    public static func < (a: FHIRTime, b: FHIRTime) -> Bool { a.minutes < b.minutes }

    /// `YYYY-MM-DD`.
    public var date: String {
        let (y, m, d) = CivilCalendar.date(days: minutes.floorDiv(1440))
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `YYYY-MM-DDThh:mm:00+00:00`: a FHIR dateTime (and instant) with seconds and a zone (the event rules ask for a UTC offset on every time: `event.G13`).
    public var dateTime: String {
        let inDay = minutes - minutes.floorDiv(1440) * 1440
        return "\(date)T\(pad(inDay / 60, 2)):\(pad(inDay % 60, 2)):00+00:00"
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
