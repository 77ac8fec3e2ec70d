/// A place in a message, written as HL7 v2 people write it: `PID-3`, `PID-3[2]` (second
/// repetition), `PID-3.1` (component), `PID-3.4.1` (subcomponent), `OBX[2]-5` (second OBX
/// segment), or a whole segment (`PV1`).
///
/// Occurrences and repetitions count from 1. A level left out is "all of it" for raw text and
/// marking, and "the first" when a single value is read (see ``HL7v2Message/value(at:)``).
public struct HL7v2Path: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The segment ID (`PID`).
    public var segment: String
    /// Which occurrence of the segment in the message, from 1.
    public var occurrence: Int
    /// The field number (MSH-1 is the field separator), or nil for the whole segment.
    public var field: Int?
    /// The repetition, from 1, or nil for every repetition.
    public var repetition: Int?
    /// The component, from 1.
    public var component: Int?
    /// The subcomponent, from 1 (only with a component).
    public var subcomponent: Int?

    /// A path from its parts.
    public init(segment: String, occurrence: Int = 1, field: Int? = nil, repetition: Int? = nil,
                component: Int? = nil, subcomponent: Int? = nil) {
        self.segment = segment
        self.occurrence = occurrence
        self.field = field
        self.repetition = repetition
        self.component = component
        self.subcomponent = subcomponent
    }

    /// The 1-based position at the start of `text` (1 to 6 digits), taken off it; nil, with `text`
    /// unchanged, when there is none. Paths and the selectors built on them read numbers this way.
    public static func leadingNumber(_ text: inout Substring) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 6, let n = Int(digits), n >= 1 else { return nil }
        text = text.dropFirst(digits.count)
        return n
    }

    /// Parses `SEG[occ]-field[rep].component.subcomponent`, every part after the segment ID optional.
    ///
    /// - Throws: ``HL7v2PathError`` naming the text that is not a path.
    public init(parsing text: String) throws(HL7v2PathError) {
        var s = Substring(text)
        func number() -> Int? { Self.leadingNumber(&s) }
        func bracketed() throws(HL7v2PathError) -> Int? {
            guard s.first == "[" else { return nil }
            s = s.dropFirst()
            guard let n = number(), s.first == "]" else { throw HL7v2PathError(text: text) }
            s = s.dropFirst()
            return n
        }
        let id = s.prefix(3)
        guard id.count == 3, id.utf8.enumerated().allSatisfy({ i, b in
            (b >= 0x41 && b <= 0x5A) || (i > 0 && b >= 0x30 && b <= 0x39)
        }) else { throw HL7v2PathError(text: text) }
        s = s.dropFirst(3)
        self.init(segment: String(id))
        occurrence = try bracketed() ?? 1
        if s.first == "-" {
            s = s.dropFirst()
            guard let f = number() else { throw HL7v2PathError(text: text) }
            field = f
            repetition = try bracketed()
            if s.first == "." {
                s = s.dropFirst()
                guard let c = number() else { throw HL7v2PathError(text: text) }
                component = c
                if s.first == "." {
                    s = s.dropFirst()
                    guard let sc = number() else { throw HL7v2PathError(text: text) }
                    subcomponent = sc
                }
            }
        }
        guard s.isEmpty else { throw HL7v2PathError(text: text) }
    }

    /// A path written in code (`"PID-3.1"`); a malformed literal is a programming error and stops
    /// the program. Paths from data files go through ``init(parsing:)``.
    public init(stringLiteral text: String) {
        do { try self.init(parsing: text) } catch { preconditionFailure(error.description) }
    }

    /// The shortest form: `PID-3[2].4`, `OBX[2]-5`; occurrence 1 is left out.
    public var description: String {
        var s = segment
        if occurrence != 1 { s += "[\(occurrence)]" }
        guard let field else { return s }
        s += "-\(field)"
        if let repetition { s += "[\(repetition)]" }
        if let component { s += ".\(component)" }
        if let subcomponent { s += ".\(subcomponent)" }
        return s
    }
}

/// Text that is not an ``HL7v2Path``.
public struct HL7v2PathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text given.
    public var text: String
    /// For a person.
    public var description: String {
        "'\(text)' is not an HL7 v2 path (SEG[occurrence]-field[repetition].component.subcomponent, e.g. PID-3[2].4.1)"
    }
}
