import Foundation

/// A named function of the engine that changes a value on its way in (`import:`, source to
/// target) or out (`export:`, message to source). A mapping file lists them by name; none is
/// written per field.
///
/// | name | argument | does |
/// |---|---|---|
/// | `trim` | - | removes leading and trailing white space |
/// | `upper`, `lower` | - | changes case |
/// | `digits` | - | keeps only the digits (`943 476 5919` -> `9434765919`) |
/// | `date` | pattern (`dd/MM/yyyy`) | import: reads that pattern into a FHIR date (or dateTime with `HH`/`mm`); export: writes a FHIR date or dateTime in it |
/// | `utcMinute` | - | a FHIR dateTime in UTC to the minute (`2024-03-01T10:00:33+01:00` -> `2024-03-01T09:00:00+00:00`), the precision the builder writes |
/// | `dateOnly` | - | the date part of a FHIR dateTime (`2024-03-01T10:00:00+00:00` -> `2024-03-01`) |
/// | `translate` | table (`{M: male, F: female}`) | replaces a value by the table's; `otherwise:` in the table gives the value for the rest (without it, an unlisted value is an error) |
/// | `postcodeDistrict` | - | the outward code of a UK postcode (`LS1 4AP` -> `LS1`) |
/// | `scale` | factor (`0.001`) | multiplies a decimal exactly (units: g -> kg) |
/// | `default` | value | the value when there is none |
/// | `v2DateTime` | time zone (default `Europe/London`) | an HL7 v2 DT/DTM/TS (`YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]`) to a FHIR date (8 digits or fewer: its precision kept) or dateTime (seconds padded; the sender's local time in that zone when no offset is sent) |
/// | `v2Number` | - | an HL7 v2 NM to a FHIR decimal (`+01.20` -> `1.20`: sign `+` and leading zeros dropped, trailing zeros kept) |
public enum ValueTransform: Sendable, Hashable {
    /// `trim`: removes leading and trailing white space.
    case trim
    /// `upper`: upper case.
    case upper
    /// `lower`: lower case.
    case lower
    /// `digits`: keeps only the digits.
    case digits
    /// `dateOnly`: the date part of a FHIR dateTime.
    case dateOnly
    /// `utcMinute`: a FHIR dateTime in UTC to the minute.
    case utcMinute
    /// `postcodeDistrict`: the outward code of a UK postcode.
    case postcodeDistrict
    /// `date`: reads (import) or writes (export) a FHIR date or dateTime in a pattern.
    case date(DatePattern)
    /// `translate`: replaces a value by the table's; `otherwise` for every unlisted value (nil: an error).
    case translate([String: String], otherwise: String?)
    /// `scale`: multiplies a decimal exactly by a factor.
    case scale(Decimal)
    /// `default`: the value when there is none.
    case defaultValue(String)
    /// `v2DateTime`: an HL7 v2 DT/DTM/TS to a FHIR date or dateTime, in the sender's time zone when no offset is sent.
    case v2DateTime(zone: String)
    /// `v2Number`: an HL7 v2 NM to a FHIR decimal.
    case v2Number

    /// The names a mapping file may use.
    public static let names = ["trim", "upper", "lower", "digits", "date", "dateOnly", "utcMinute", "translate", "postcodeDistrict", "scale", "default", "v2DateTime", "v2Number"]

    /// Which way the value goes: into the builder (`import`) or out of a message (`export`).
    public enum Direction: Sendable {
        /// Into the builder: a source value (a CSV cell, a v2 field) becomes a message's.
        case importing
        /// Out of a message: a message's value becomes a source value.
        case exporting
    }

    /// Why a value cannot be transformed.
    public struct Failure: Error, CustomStringConvertible {
        /// For a person: what value, which function, why.
        public var description: String
        /// True when a `translate` table has no entry for the value.
        public var isUnknownCode = false
    }

    /// Applies the function; nil in, nil out, except for `default`.
    public func apply(_ value: String?, _ direction: Direction) throws -> String? {
        if case .defaultValue(let d) = self { return (value?.isEmpty ?? true) ? d : value }
        guard let value else { return nil }
        switch self {
        case .trim: return value.trimmingCharacters(in: .whitespacesAndNewlines)
        case .upper: return value.uppercased()
        case .lower: return value.lowercased()
        case .digits: return String(value.filter { $0.isASCII && $0.isNumber })
        case .dateOnly: return String(value.prefix(10))
        case .utcMinute:
            guard let time = MappingInputAssembler.parseTime(value) else {
                throw Failure(description: "'\(value)' is not a FHIR date or dateTime")
            }
            return time.dateTime
        case .postcodeDistrict:
            let compact = value.uppercased().filter { !$0.isWhitespace }
            // The inward code is always a digit and two letters: the rest is the district.
            guard compact.count >= 5 else { return value.split(separator: " ").first.map(String.init) ?? value }
            return String(compact.dropLast(3))
        case .date(let pattern):
            switch direction {
            case .importing:
                guard let fhir = pattern.parse(value) else {
                    throw Failure(description: "'\(value)' does not match the date pattern '\(pattern.text)'")
                }
                return fhir
            case .exporting:
                guard let text = pattern.format(value) else {
                    throw Failure(description: "'\(value)' is not a FHIR date or dateTime, so it cannot be written as '\(pattern.text)'")
                }
                return text
            }
        case .translate(let table, let otherwise):
            if let hit = table[value] { return hit }
            if let otherwise { return otherwise == "$value" ? value : otherwise }
            // A long table (the vaccine table) is named by its size: listing it would bury the code.
            let known = table.count <= 12 ? table.keys.sorted().joined(separator: ", ") : "\(table.count) codes; add it to the mapping file's table"
            throw Failure(description: "'\(value)' is not in the translation table (\(known))", isUnknownCode: true)
        case .scale(let factor):
            guard let d = Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")) else {
                throw Failure(description: "'\(value)' is not a decimal number, so it cannot be scaled")
            }
            let rounded = (d * factor).rounded(scale: 6)
            return NSDecimalNumber(decimal: rounded).description(withLocale: Locale(identifier: "en_US_POSIX"))
        case .defaultValue: return value
        case .v2DateTime(let zone):
            guard let fhir = V2Time.fhir(value, zone: zone) else {
                throw Failure(description: "'\(value)' is not an HL7 v2 date/time (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ])")
            }
            return fhir
        case .v2Number:
            guard let fhir = V2Time.decimal(value) else { throw Failure(description: "'\(value)' is not an HL7 v2 number (NM)") }
            return fhir
        }
    }
}

/// A date pattern of the `date` transform: `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss` and literal
/// characters (no locale: month names are not supported).
public struct DatePattern: Sendable, Hashable {
    /// The pattern as written.
    public let text: String
    private let tokens: [Token]

    private enum Token: Hashable { case field(String, Int), literal(Character) }

    /// A pattern; nil when it has no year, month and day.
    public init?(_ text: String) {
        self.text = text
        var tokens: [Token] = []
        var rest = Substring(text)
        outer: while let c = rest.first {
            for field in ["yyyy", "MM", "dd", "HH", "mm", "ss"] where rest.hasPrefix(field) {
                tokens.append(.field(field, field.count))
                rest = rest.dropFirst(field.count)
                continue outer
            }
            tokens.append(.literal(c))
            rest = rest.dropFirst()
        }
        self.tokens = tokens
        let fields = Set(tokens.compactMap { if case .field(let f, _) = $0 { return f } else { return nil } })
        guard fields.isSuperset(of: ["yyyy", "MM", "dd"]) else { return nil }
    }

    /// A value in this pattern as a FHIR date (or a UTC dateTime when the pattern has a time).
    func parse(_ value: String) -> String? {
        var fields: [String: String] = [:]
        var rest = Substring(value)
        for token in tokens {
            switch token {
            case .literal(let c):
                guard rest.first == c else { return nil }
                rest = rest.dropFirst()
            case .field(let name, let width):
                let digits = rest.prefix(width)
                guard digits.count == width, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                fields[name] = String(digits)
                rest = rest.dropFirst(width)
            }
        }
        guard rest.isEmpty, let y = fields["yyyy"], let m = fields["MM"], let d = fields["dd"],
              let mi = Int(m), (1...12).contains(mi), let di = Int(d), (1...31).contains(di) else { return nil }
        let date = "\(y)-\(m)-\(d)"
        guard let h = fields["HH"] else { return date }
        return "\(date)T\(h):\(fields["mm"] ?? "00"):\(fields["ss"] ?? "00")+00:00"
    }

    /// A FHIR date or dateTime written in this pattern (its own clock time, offset dropped).
    func format(_ fhir: String) -> String? {
        let chars = Array(fhir)
        guard chars.count >= 10, chars[4] == "-", chars[7] == "-" else { return nil }
        func part(_ from: Int, _ count: Int) -> String? {
            guard chars.count >= from + count else { return nil }
            return String(chars[from..<from + count])
        }
        var out = ""
        for token in tokens {
            switch token {
            case .literal(let c): out.append(c)
            case .field("yyyy", _): out += part(0, 4)!
            case .field("MM", _): out += part(5, 2)!
            case .field("dd", _): out += part(8, 2)!
            case .field("HH", _): out += part(11, 2) ?? "00"
            case .field("mm", _): out += part(14, 2) ?? "00"
            case .field(_, _): out += part(17, 2) ?? "00"
            }
        }
        return out
    }
}
