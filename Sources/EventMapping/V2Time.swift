import Foundation

/// HL7 v2 dates, times and numbers read as FHIR lexical values (HL7V2.md §6, trap 6 and 10).
enum V2Time {
    /// `YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]` as a FHIR date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) or
    /// dateTime (`YYYY-MM-DDThh:mm:ss±hh:mm`; minutes and seconds padded with zeros). A time without
    /// offset is the sender's local time in `zone`, whose offset on that day (summer time included)
    /// is written. Nil when the text is not a v2 date/time.
    static func fhir(_ text: String, zone: String) -> String? {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        var offset: Substring?
        if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            offset = body[sign...]
            body = body[..<sign]
        }
        let main = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits = main[0]
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), [4, 6, 8, 10, 12, 14].contains(digits.count) else { return nil }
        if main.count > 1, main[1].isEmpty || !main[1].allSatisfy({ $0.isASCII && $0.isNumber }) || digits.count != 14 { return nil }
        let d = Array(digits)
        func n(_ from: Int, _ count: Int) -> Int { Int(String(d[from..<from + count]))! }
        let year = n(0, 4)
        let month = d.count >= 6 ? n(4, 2) : 1, day = d.count >= 8 ? n(6, 2) : 1
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let date = [String(d[0..<4]), d.count >= 6 ? String(d[4..<6]) : nil, d.count >= 8 ? String(d[6..<8]) : nil]
            .compactMap { $0 }.joined(separator: "-")
        guard d.count > 8 else { return offset == nil ? date : nil }
        let hour = n(8, 2), minute = d.count >= 12 ? n(10, 2) : 0, second = d.count >= 14 ? n(12, 2) : 0
        guard hour < 24, minute < 60, second < 60 else { return nil }
        var zoneText: String
        if let offset {
            let o = Array(offset.dropFirst())
            guard o.count == 4, o.allSatisfy({ $0.isASCII && $0.isNumber }), Int(String(o[0..<2]))! < 24, Int(String(o[2..<4]))! < 60 else { return nil }
            zoneText = "\(offset.first!)\(String(o[0..<2])):\(String(o[2..<4]))"
        } else {
            guard let tz = TimeZone(identifier: zone) else { return nil }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = tz
            guard let instant = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)) else { return nil }
            let seconds = tz.secondsFromGMT(for: instant)
            let sign = seconds < 0 ? "-" : "+"
            zoneText = sign + two(abs(seconds) / 3600) + ":" + two(abs(seconds) % 3600 / 60)
        }
        var fraction = ""
        if main.count > 1 { fraction = "." + main[1] }
        return "\(date)T\(two(hour)):\(two(minute)):\(two(second))\(fraction)\(zoneText)"
    }

    /// An NM (`[+-]digits[.digits]`) as a FHIR decimal: `+` and leading zeros dropped, trailing
    /// zeros kept. Nil when it is not an NM (`.5` is not one).
    static func decimal(_ text: String) -> String? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        var sign = ""
        if s.first == "+" { s = s.dropFirst() } else if s.first == "-" { sign = "-"; s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), parts.count == 1 || !parts[1].isEmpty else { return nil }
        var whole = parts[0].drop { $0 == "0" }
        if whole.isEmpty { whole = "0" }
        return sign + whole + (parts.count == 2 ? "." + parts[1] : "")
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
