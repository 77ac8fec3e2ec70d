/// One HL7 v2 message: its delimiters, character set and segments (MSH first), with what the
/// reader found wrong in it.
///
/// Values are kept raw; reading by path (``value(at:)``, ``content(at:)``, ``raw(at:)``) splits and
/// unescapes only what is asked for.
public struct HL7v2Message: Sendable, Equatable {
    /// The field separator and encoding characters (MSH-1, MSH-2).
    public var delimiters: HL7v2Delimiters
    /// The character set the bytes were read in (from MSH-18, or the reader's default).
    public var charset: HL7v2Charset
    /// The segments, MSH first.
    public var segments: [HL7v2Segment]
    /// 0-based index of the message in its input, counting messages that could not be read.
    public var index: Int
    /// The index in ``HL7v2ParseResult/batches`` of the batch (BHS … BTS) holding the message.
    public var batchIndex: Int?
    /// What the reader found wrong in this message (errors and warnings).
    public var issues: [HL7v2Issue]

    /// A message from its parts; for one built in code, start with ``init(delimiters:charset:)``.
    public init(delimiters: HL7v2Delimiters, charset: HL7v2Charset = .utf8, segments: [HL7v2Segment], index: Int = 0,
                batchIndex: Int? = nil, issues: [HL7v2Issue] = []) {
        self.delimiters = delimiters
        self.charset = charset
        self.segments = segments
        self.index = index
        self.batchIndex = batchIndex
        self.issues = issues
    }

    /// A message holding only an MSH with its delimiters (MSH-1, MSH-2) and, for a charset other
    /// than UTF-8, MSH-18; fill it with ``setValue(_:at:)``.
    public init(delimiters: HL7v2Delimiters = .standard, charset: HL7v2Charset = .utf8) {
        var msh = HL7v2Segment("MSH", fields: [delimiters.fieldSeparator, delimiters.encodingCharacters])
        if charset != .utf8 {
            msh.fields += Array(repeating: "", count: 15) + [charset.table0211Code]
        }
        self.init(delimiters: delimiters, charset: charset, segments: [msh])
    }

    /// Equal when delimiters, character set and segments are equal (index, batch and issues are not compared).
    public static func == (a: HL7v2Message, b: HL7v2Message) -> Bool {
        a.delimiters == b.delimiters && a.charset == b.charset && a.segments == b.segments
    }

    /// True when the reader found an error (not just warnings) in the message.
    public var hasErrors: Bool { issues.contains { $0.severity >= .error } }

    // MARK: Segments

    /// The segments with this ID, in order.
    public func segments(_ id: String) -> [HL7v2Segment] { segments.filter { $0.id == id } }

    /// The index in ``segments`` of an occurrence (from 1) of a segment ID, or nil.
    public func segmentIndex(_ id: String, occurrence: Int = 1) -> Int? {
        guard occurrence >= 1 else { return nil }
        var seen = 0
        for (i, s) in segments.enumerated() where s.id == id {
            seen += 1
            if seen == occurrence { return i }
        }
        return nil
    }

    /// An occurrence (from 1) of a segment ID, or nil.
    public func segment(_ id: String, occurrence: Int = 1) -> HL7v2Segment? {
        segmentIndex(id, occurrence: occurrence).map { segments[$0] }
    }

    // MARK: Reading by path

    /// The raw text at a path (escape sequences as sent): a whole segment for `PID`, a whole field
    /// with all its repetitions for `PID-3`, one repetition for `PID-3[2]`, a component of the
    /// first repetition for `PID-3.4`. Nil when the message does not reach that far.
    public func raw(at path: HL7v2Path) -> Substring? {
        guard let s = segment(path.segment, occurrence: path.occurrence) else { return nil }
        guard let field = path.field else { return Substring(s.text(delimiters: delimiters)) }
        return s.raw(field: field, repetition: path.repetition, component: path.component,
                     subcomponent: path.subcomponent, delimiters: delimiters)
    }

    /// What a path holds: absent, null (`""`) or a value with its escape sequences read. Where the
    /// path leaves out a level, the first repetition, component and subcomponent are read:
    /// `PID-8` of `F^Female` is `F`, `PID-3` of `9449305552^^^NHS^NH` is `9449305552`.
    public func content(at path: HL7v2Path) -> HL7v2Content {
        guard let field = path.field, let s = segment(path.segment, occurrence: path.occurrence) else { return .absent }
        return s.content(field: field, repetition: path.repetition, component: path.component,
                         subcomponent: path.subcomponent, delimiters: delimiters, charset: charset)
    }

    /// The value at a path (see ``content(at:)``), nil when absent or null.
    public func value(at path: HL7v2Path) -> String? { content(at: path).value }

    /// The value at a path, and the leaf read is marked used in `usage` (only when present).
    public func value(at path: HL7v2Path, marking usage: inout HL7v2Usage) -> String? {
        let content = content(at: path)
        if content != .absent, let leaf = leafPosition(of: path) { usage.markUsed(leaf) }
        return content.value
    }

    /// The values of every repetition of a field at a path's component and subcomponent
    /// (`PID-3.1` gives each identifier), absent and null repetitions left out.
    public func values(at path: HL7v2Path) -> [String] {
        guard let field = path.field, let s = segment(path.segment, occurrence: path.occurrence) else { return [] }
        let count = s.repetitionCount(field: field, delimiters: delimiters)
        return (0..<count).compactMap { r in
            s.content(field: field, repetition: r + 1, component: path.component, subcomponent: path.subcomponent,
                      delimiters: delimiters, charset: charset).value
        }
    }

    /// The number of repetitions of the field at a path (0 when it is empty or not sent).
    public func repetitionCount(at path: HL7v2Path) -> Int {
        guard let field = path.field, let s = segment(path.segment, occurrence: path.occurrence) else { return 0 }
        return s.repetitionCount(field: field, delimiters: delimiters)
    }

    /// The leaf a single value is read from at a path: levels left out are 1.
    public func leafPosition(of path: HL7v2Path) -> HL7v2LeafPosition? {
        guard let field = path.field, let s = segmentIndex(path.segment, occurrence: path.occurrence) else { return nil }
        return HL7v2LeafPosition(segmentIndex: s, field: field, repetition: path.repetition ?? 1,
                                 component: path.component ?? 1, subcomponent: path.subcomponent ?? 1)
    }

    // MARK: The header

    /// MSH-9.1, the message code (`ADT`).
    public var messageCode: String? { value(at: HL7v2Path(segment: "MSH", field: 9, component: 1)) }
    /// MSH-9.2, the trigger event (`A28`).
    public var triggerEvent: String? { value(at: HL7v2Path(segment: "MSH", field: 9, component: 2)) }
    /// MSH-9.3, the message structure as sent (`ADT_A05`); often missing before 2.4.
    public var messageStructure: String? { value(at: HL7v2Path(segment: "MSH", field: 9, component: 3)) }
    /// MSH-10, the message control ID.
    public var controlID: String? { value(at: HL7v2Path(segment: "MSH", field: 10)) }
    /// MSH-11.1, the processing ID (`P`, `D`, `T`).
    public var processingID: String? { value(at: HL7v2Path(segment: "MSH", field: 11, component: 1)) }
    /// MSH-12.1, the version (`2.4`).
    public var version: String? { value(at: HL7v2Path(segment: "MSH", field: 12, component: 1)) }
}
