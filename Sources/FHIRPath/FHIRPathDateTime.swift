import FHIRModel
import Foundation

/// A date, dateTime or time with partial precision, as FHIR writes them (`2019`, `2019-03`,
/// `2019-03-04T10:20:30.5+01:00`, `10:20`).
///
/// Comparison follows the FHIRPath rule for partial values: components are compared from the
/// largest down to the precision both have; if they are equal that far and the precisions differ,
/// the answer is unknown (nil), not false.
public struct FHIRPathDateTime: Sendable, Hashable {
    /// What the value is.
    public enum Kind: Sendable, Hashable {
        /// A date (`2019`, `2019-03`, `2019-03-04`).
        case date
        /// A date with a time (`2019-03-04T10:20:30+01:00`; also an `instant`).
        case dateTime
        /// A time of day (`10:20`, `10:20:30.5`).
        case time
    }

    /// Whether the value is a date, a dateTime or a time.
    public let kind: Kind
    /// Components present, largest first: year, month, day, hour, minute, second (dates);
    /// hour, minute, second (times).
    public let components: [Int]
    /// Fractional seconds as written after the point (`5` for `.5`, `05` for `.05`), when present.
    public let fraction: Decimal?
    /// Zone offset in minutes, when given (`Z` is 0).
    public let zoneMinutes: Int?

    /// Parses FHIR's lexical forms (date, dateTime, instant, time); nil when it is none of them.
    public init?(_ text: String, kind preferred: Kind? = nil) {
        var bytes = Array(text.utf8)
        var zone: Int? = nil
        var kind: Kind
        var comps: [Int] = []
        var fraction: Decimal? = nil
        if preferred == .time || (bytes.count >= 3 && bytes[2] == UInt8(ascii: ":")) {
            kind = .time
            guard let (c, f) = Self.parseTime(bytes[...]) else { return nil }
            comps = c
            fraction = f
        } else {
            var datePart = bytes[...]
            var timePart: ArraySlice<UInt8>? = nil
            if let t = bytes.firstIndex(of: UInt8(ascii: "T")) {
                datePart = bytes[..<t]
                var rest = bytes[(t + 1)...]
                // Zone: Z or ±hh:mm at the end of the time part.
                if rest.last == UInt8(ascii: "Z") {
                    zone = 0
                    rest = rest.dropLast()
                } else if let sign = rest.lastIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }) {
                    let z = Array(rest[(sign + 1)...])
                    guard z.count == 5, z[2] == UInt8(ascii: ":"),
                          let h = Self.number(z[0..<2]), let m = Self.number(z[3..<5]) else { return nil }
                    zone = (h * 60 + m) * (rest[sign] == UInt8(ascii: "-") ? -1 : 1)
                    rest = rest[..<sign]
                }
                timePart = rest
            }
            let parts = datePart.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
            guard (1...3).contains(parts.count), parts[0].count == 4 else { return nil }
            for (k, part) in parts.enumerated() {
                guard (k == 0 || part.count == 2), let n = Self.number(part) else { return nil }
                comps.append(n)
            }
            kind = timePart == nil ? .date : .dateTime
            if let timePart, !timePart.isEmpty {
                guard comps.count == 3, let (c, f) = Self.parseTime(timePart) else { return nil }
                comps += c
                fraction = f
            }
        }
        bytes.removeAll()
        self.kind = kind
        self.components = comps
        self.fraction = fraction
        self.zoneMinutes = zone
    }

    /// A FHIRPath literal body (after `@`): `2019-01`, `2019-01-01T10:00`, `T10:00` (a time).
    init?(literal: String) {
        if literal.hasPrefix("T") {
            self.init(String(literal.dropFirst()), kind: .time)
        } else if literal.hasSuffix("T") {
            self.init(String(literal.dropLast()), kind: .date)
            if components.count == 3 { self = FHIRPathDateTime(kind: .dateTime, components: components, fraction: nil, zone: nil) }
        } else {
            self.init(literal)
        }
    }

    init(kind: Kind, components: [Int], fraction: Decimal?, zone: Int?) {
        self.kind = kind
        self.components = components
        self.fraction = fraction
        self.zoneMinutes = zone
    }

    private static func parseTime(_ bytes: ArraySlice<UInt8>) -> ([Int], Decimal?)? {
        var main = bytes
        var fraction: Decimal? = nil
        if let dot = bytes.firstIndex(of: UInt8(ascii: ".")) {
            let digits = bytes[(dot + 1)...]
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            fraction = Decimal(string: "0." + String(decoding: digits, as: UTF8.self))
            main = bytes[..<dot]
        }
        let parts = main.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), fraction == nil || parts.count == 3 else { return nil }
        var out: [Int] = []
        for part in parts {
            guard part.count == 2, let n = number(part) else { return nil }
            out.append(n)
        }
        return (out, fraction)
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var n = 0
        for d in digits {
            guard d >= 48 && d <= 57 else { return nil }
            n = n * 10 + Int(d - 48)
        }
        return n
    }

    /// Precision: number of components (fractional seconds count as one more).
    public var precision: Int { components.count + (fraction == nil ? 0 : 1) }

    /// -1, 0, 1 when ordered, nil when the precisions make the order unknown.
    public static func compare(_ a: FHIRPathDateTime, _ b: FHIRPathDateTime) -> Int? {
        guard (a.kind == .time) == (b.kind == .time) else { return nil }
        var x = a, y = b
        // Zones only matter below the day; normalise both to UTC when both carry one.
        if let za = a.zoneMinutes, let zb = b.zoneMinutes, a.kind != .time, a.components.count >= 5, b.components.count >= 5 {
            x = a.shifted(minutes: -za)
            y = b.shifted(minutes: -zb)
        }
        let shared = min(x.components.count, y.components.count)
        for k in 0..<shared where x.components[k] != y.components[k] {
            return x.components[k] < y.components[k] ? -1 : 1
        }
        // Seconds with and without a fraction are the same precision (the spec treats them so).
        let fullSeconds = x.kind == .time ? 3 : 6
        if x.components.count == y.components.count {
            if x.components.count == fullSeconds {
                let fx = x.fraction ?? 0, fy = y.fraction ?? 0
                return fx == fy ? 0 : (fx < fy ? -1 : 1)
            }
            return 0
        }
        return nil
    }

    /// The same instant, `minutes` later (used to bring values with zones to UTC).
    func shifted(minutes: Int) -> FHIRPathDateTime {
        var c = components
        var total = c[3] * 60 + c[4] + minutes
        var dayShift = 0
        while total < 0 { total += 1440; dayShift -= 1 }
        while total >= 1440 { total -= 1440; dayShift += 1 }
        c[3] = total / 60
        c[4] = total % 60
        if dayShift != 0 {
            let days = CivilCalendar.days(year: c[0], month: c[1], day: c[2]) + dayShift
            (c[0], c[1], c[2]) = CivilCalendar.date(days: days)
        }
        return FHIRPathDateTime(kind: kind, components: c, fraction: fraction, zone: 0)
    }


    /// The FHIR lexical form.
    public var text: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var s = ""
        let timeStart: Int
        if kind == .time {
            timeStart = 0
        } else {
            s = String(format: "%04d", components[0])
            if components.count > 1 { s += "-" + two(components[1]) }
            if components.count > 2 { s += "-" + two(components[2]) }
            timeStart = 3
        }
        if components.count > timeStart {
            if kind != .time { s += "T" }
            s += components[timeStart...].map(two).joined(separator: ":")
            if let fraction { s += String("\(fraction)".dropFirst()) }
        }
        if let z = zoneMinutes, kind != .time, components.count > 3 {
            if z == 0 { s += "Z" } else { s += (z < 0 ? "-" : "+") + two(abs(z) / 60) + ":" + two(abs(z) % 60) }
        }
        return s
    }
}
