import FHIRModel

/// How the reader reads an input.
public struct HL7v2ParseOptions: Sendable {
    /// The character set of messages whose MSH-18 is empty. Nil: UTF-8, and a message whose
    /// bytes are not valid UTF-8 is read as Latin-1 with a warning (senders that leave MSH-18
    /// empty still send `£` in Latin-1 or cp1252).
    public var defaultCharset: HL7v2Charset?
    /// The largest input read, in bytes; a larger one is one `hl7v2.too-large` error.
    public var maxInputBytes: Int
    /// The most issues reported for one message; the rest are counted in one `hl7v2.too-many-issues`.
    public var maxIssuesPerMessage: Int
    /// The longest message read, in bytes; a longer one (or a longer line: endless text, binary
    /// junk) is one `hl7v2.too-large` error and is skipped, so that a stream is read in bounded memory.
    public var maxMessageBytes: Int

    /// Options: no default character set, inputs and messages up to 256 MiB, 100 issues per message.
    public init(defaultCharset: HL7v2Charset? = nil, maxInputBytes: Int = 256 << 20, maxIssuesPerMessage: Int = 100,
                maxMessageBytes: Int = 256 << 20) {
        self.defaultCharset = defaultCharset
        self.maxInputBytes = maxInputBytes
        self.maxIssuesPerMessage = maxIssuesPerMessage
        self.maxMessageBytes = maxMessageBytes
    }
}

/// A batch (`BHS` … `BTS`) of an input: its header and trailer segments and its messages.
public struct HL7v2Batch: Sendable, Equatable {
    /// The BHS segment (nil for a BTS without a header).
    public var header: HL7v2Segment?
    /// The BTS segment (nil when the batch was not closed).
    public var trailer: HL7v2Segment?
    /// The ``HL7v2Message/index`` of each message in the batch.
    public var messageIndices: [Int]
}

/// Everything read from one input: its messages, batches and file headers, and the findings.
public struct HL7v2ParseResult: Sendable {
    /// The messages that could be read, in input order (a message whose MSH delimiters cannot be
    /// used is left out; its issue names its index).
    public var messages: [HL7v2Message]
    /// The batches, in input order.
    public var batches: [HL7v2Batch]
    /// The FHS segments (file headers), in input order.
    public var fileHeaders: [HL7v2Segment]
    /// The FTS segments (file trailers), in input order.
    public var fileTrailers: [HL7v2Segment]
    /// Findings outside the messages read: framing, content before the first MSH, batches,
    /// unreadable MSH segments.
    public var issues: [HL7v2Issue]

    /// Every finding, the input's and the messages', in input order.
    public var allIssues: [HL7v2Issue] {
        (issues + messages.flatMap(\.issues)).sorted { $0.location.byteOffset < $1.location.byteOffset }
    }
}

/// The HL7 v2 reader: bytes (plain, or MLLP frames) to messages, with every problem as an
/// ``HL7v2Issue`` value. It never stops on bad input: what can be read is read.
///
/// - Segments end at CR, LF or CR LF (mixed too). A line that is no segment (no
///   `[A-Z][A-Z0-9]{2}` ID followed by the field separator) is a line break inside the segment
///   before it (a sender that did not escape a CR): it is joined to it, the break kept as
///   `\X0D\`/`\X0A\` in the raw value, with a warning. Blank lines are skipped.
/// - Every MSH starts a message and sets the delimiters; FHS/BHS set them for the batch
///   segments; BTS-1 and FTS-1 are checked against the count.
/// - MSH-18 chooses the character set (``HL7v2Charset``), per message.
public struct HL7v2Parser: Sendable {
    /// The options.
    public var options: HL7v2ParseOptions

    /// A reader with these options.
    public init(options: HL7v2ParseOptions = HL7v2ParseOptions()) { self.options = options }

    /// The versions read (MSH-12.1): 2.3 to 2.8 with their point releases; others are
    /// `hl7v2.unsupported-version` errors.
    public static let supportedVersions: Set<String> = ["2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1",
                                                         "2.8", "2.8.1", "2.8.2"]

    /// Reads a text (already decoded: its UTF-8 bytes are read, whatever MSH-18 says).
    public func parse(_ text: String) -> HL7v2ParseResult { parse(Array(text.utf8)) }

    /// Reads bytes: one message, many back to back, batches, or MLLP frames. An input larger
    /// than ``HL7v2ParseOptions/maxInputBytes`` is one `hl7v2.too-large` error; to read an input of
    /// any size a message at a time, use ``HL7v2StreamParser``.
    public func parse(_ bytes: [UInt8]) -> HL7v2ParseResult {
        var stream = HL7v2StreamParser(options: options)
        guard bytes.count <= options.maxInputBytes else {
            stream.reportInputTooLarge(bytes.count)
            return stream.take()
        }
        stream.read(bytes.span)
        stream.finish()
        return stream.take()
    }
}


/// The reading of one input, a line at a time (lines come from ``HL7v2Framer``): the state
/// between lines, and what has been read and not yet taken.
struct ParseRun {
    let options: HL7v2ParseOptions
    var result = HL7v2ParseResult(messages: [], batches: [], fileHeaders: [], fileTrailers: [], issues: [])

    /// The message being read, and the segment being read in it.
    var message: MessageInProgress?
    /// Lines after an unreadable (or too long) MSH: they belong to it and are skipped.
    var skippingUnreadableMessage = false
    var messageCount = 0
    /// The delimiters of the last header segment (for BTS/FTS and orphans).
    var delimiters = HL7v2Delimiters.standard
    var openBatch: HL7v2Batch?
    var openFile = false
    var batchesInFile = 0
    var orphanReported = false
    var noMSHReported = false

    init(options: HL7v2ParseOptions) {
        self.options = options
    }

    struct MessageInProgress {
        var index: Int
        var start: InputPoint
        var delimiters: HL7v2Delimiters
        var charset: HL7v2Charset
        /// True when MSH-18 was empty and no default was given: invalid UTF-8 falls back to Latin-1.
        var mayFallBack: Bool
        var warnedFallback = false
        var segments: [HL7v2Segment] = []
        var issues: [HL7v2Issue] = []
        var suppressed = 0
        var pending: PendingSegment?
        var batchIndex: Int?
        /// The bytes of the message's lines so far, held against ``HL7v2ParseOptions/maxMessageBytes``.
        var byteCount = 0
    }

    struct PendingSegment { var bytes: [UInt8]; var start: InputPoint; var isHeader: Bool }

    // MARK: Reading

    mutating func handle(_ event: HL7v2Framer.Event) {
        switch event {
        case .line(let line): readLine(line)
        case .lineTooLong(let start, let head): skipLongLine(start: start, head: head)
        case .frameEnd: finishMessage()  // a frame holds one message: its end ends the message
        case .finding(let f): report(f.severity, f.rule, f.message, at: f.at)
        }
    }

    /// The end of the input at `end`; `sawContent` is false when it held only whitespace.
    mutating func finish(at end: InputPoint, sawContent: Bool) {
        guard sawContent else {
            report(.error, .empty, "the input holds no HL7 v2 content", at: .start)
            return
        }
        finishMessage()
        if let batch = openBatch {
            report(.warning, .batchStructure, "a batch (BHS) has no trailer (BTS)", at: end)
            result.batches.append(batch)
            openBatch = nil
        }
        if openFile { report(.warning, .batchStructure, "a file header (FHS) has no trailer (FTS)", at: end) }
        if messageCount == 0 && !noMSHReported {
            report(.error, .noMSH, "the input holds no MSH segment, so no message", at: .start)
        }
    }

    mutating func readLine(_ line: HL7v2Framer.Line) {
        let text = line.bytes[...]
        guard text.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }  // a blank line
        let id = segmentID(text)
        if let id, HL7v2Segment.isHeaderID(id) {
            readHeader(id, line)
            return
        }
        let startsSegment = id != nil && (text.count == 3 || text[3] == currentFieldSeparator)
        if startsSegment, let id {
            switch id {
            case "BTS", "FTS":
                finishMessage()
                readTrailer(id, line)
            default:
                if message != nil {
                    flushSegment()
                    message!.pending = PendingSegment(bytes: line.bytes, start: line.start, isHeader: false)
                    countBytes(of: line)
                } else if !skippingUnreadableMessage {
                    reportOrphan(at: line.start)
                }
            }
            return
        }
        // Not a segment: a line break inside the segment before it.
        if message?.pending != nil {
            let d = message!.delimiters
            var joined: [UInt8] = []
            if let e = d.escape {
                let code = line.precedingBreak.map { $0 == HL7v2Framer.cr ? "0D" : "0A" }.joined()
                joined = [e] + Array(("X" + (code.isEmpty ? "0D" : code)).utf8) + [e]
            } else {
                joined = line.precedingBreak
            }
            message!.pending!.bytes += joined + line.bytes
            addMessageIssue(.warning, .lineBreakInValue,
                            "a line that is no segment is read as a line break inside the segment before it (an unescaped CR or LF?)",
                            at: line.start, segmentID: String(decoding: message!.pending!.bytes.prefix(3), as: UTF8.self))
            countBytes(of: line)
        } else if !skippingUnreadableMessage {
            reportOrphan(at: line.start)
        }
    }

    /// Adds a line to the message's size; a message past the limit is dropped with an error and
    /// the rest of it skipped.
    mutating func countBytes(of line: HL7v2Framer.Line) {
        guard let m = message else { return }
        message!.byteCount += line.bytes.count + line.precedingBreak.count
        if message!.byteCount > options.maxMessageBytes { dropMessage(m.index, start: m.start) }
    }

    /// Drops the message being read (too long), reporting it at its MSH.
    mutating func dropMessage(_ index: Int, start: InputPoint) {
        message = nil
        pendingMessageIssues = []
        skippingUnreadableMessage = true
        report(.error, .tooLarge, "message \(index + 1) is longer than the \(options.maxMessageBytes) bytes read per message: it is skipped",
               at: start, messageIndex: index, segmentID: "MSH")
    }

    /// A line longer than the limit: an MSH starts a message that is too long; any other line
    /// makes the message it belongs to too long, or is content outside any message.
    mutating func skipLongLine(start: InputPoint, head: [UInt8]) {
        let id = segmentID(head[...])
        if id == "MSH" {
            finishMessage()
            orphanReported = false
            messageCount += 1
            dropMessage(messageCount - 1, start: start)
        } else if let id, HL7v2Segment.isHeaderID(id) || id == "BTS" || id == "FTS" {
            finishMessage()
            report(.error, .tooLarge, "a \(id) segment longer than \(options.maxMessageBytes) bytes is skipped", at: start, segmentID: id)
        } else if let m = message {
            dropMessage(m.index, start: m.start)
        } else if !skippingUnreadableMessage {
            report(.error, .tooLarge, "a line longer than \(options.maxMessageBytes) bytes outside any message is skipped", at: start)
        }
    }

    /// The field separator segments are split on now.
    var currentFieldSeparator: UInt8 { message?.delimiters.field ?? delimiters.field }

    /// The segment ID a line starts with (`[A-Z][A-Z0-9]{2}`), or nil.
    func segmentID(_ text: ArraySlice<UInt8>) -> String? {
        guard text.count >= 3 else { return nil }
        let a = text[text.startIndex], b = text[text.startIndex + 1], c = text[text.startIndex + 2]
        func upper(_ x: UInt8) -> Bool { x >= 0x41 && x <= 0x5A }
        func digit(_ x: UInt8) -> Bool { x >= 0x30 && x <= 0x39 }
        guard upper(a), upper(b) || digit(b), upper(c) || digit(c) else { return nil }
        return String(decoding: [a, b, c], as: UTF8.self)
    }

    // MARK: Header and trailer segments

    /// MSH, BHS or FHS: its own delimiters, then a message, a batch or a file begins.
    mutating func readHeader(_ id: String, _ line: HL7v2Framer.Line) {
        finishMessage()
        let text = line.bytes[...]
        let start = line.start
        if id == "MSH" { skippingUnreadableMessage = false; orphanReported = false }
        let index = id == "MSH" ? messageCount : nil
        if id == "MSH" { messageCount += 1 }
        guard text.count > 4 else {
            report(.error, .badDelimiters, "\(id) ends before its field separator and encoding characters", at: start,
                   messageIndex: index, segmentID: id)
            if id == "MSH" { skippingUnreadableMessage = true }
            return
        }
        let separator = text[3]
        let encoding = Array(text[4...].prefix { $0 != separator })
        let parsed: HL7v2Delimiters
        do {
            parsed = try HL7v2Delimiters(field: separator, encodingCharacters: encoding)
        } catch {
            report(.error, .badDelimiters, "\(id) cannot be read: \(error.description)", at: start, messageIndex: index,
                   segmentID: id, field: 2)
            if id == "MSH" { skippingUnreadableMessage = true }
            return
        }
        delimiters = parsed
        switch id {
        case "MSH":
            let (charset, declared) = charsetOf(text, delimiters: parsed, at: start, messageIndex: index!)
            message = MessageInProgress(index: index!, start: start, delimiters: parsed, charset: charset, mayFallBack: !declared,
                                        batchIndex: openBatch != nil ? result.batches.count : nil)
            message!.pending = PendingSegment(bytes: line.bytes, start: start, isHeader: true)
            countBytes(of: line)
        case "BHS":
            if let batch = openBatch {
                report(.warning, .batchStructure, "a batch (BHS) has no trailer (BTS) before the next BHS", at: start, segmentID: "BTS")
                result.batches.append(batch)
            }
            openBatch = HL7v2Batch(header: envelopeSegment(text, start: start), trailer: nil, messageIndices: [])
        default:  // FHS
            closeBatchBeforeFileBoundary(at: start)
            if openFile { report(.warning, .batchStructure, "a file (FHS) has no trailer (FTS) before the next FHS", at: start, segmentID: "FTS") }
            result.fileHeaders.append(envelopeSegment(text, start: start))
            openFile = true
            batchesInFile = 0
        }
    }

    /// BTS or FTS: closes the batch or file and checks its count.
    mutating func readTrailer(_ id: String, _ line: HL7v2Framer.Line) {
        let start = line.start
        let segment = envelopeSegment(line.bytes[...], start: start)
        let count = segment.content(field: 1, delimiters: delimiters).value
        if id == "BTS" {
            var batch = openBatch ?? {
                report(.warning, .batchStructure, "a batch trailer (BTS) has no header (BHS)", at: start, segmentID: "BTS")
                return HL7v2Batch(header: nil, trailer: nil, messageIndices: [])
            }()
            batch.trailer = segment
            if let count, Int(count) != batch.messageIndices.count {
                report(.warning, .batchCount, "BTS-1 says \(count) messages, the batch holds \(batch.messageIndices.count)",
                       at: start, segmentID: "BTS", field: 1)
            }
            result.batches.append(batch)
            openBatch = nil
            batchesInFile += 1
        } else {
            closeBatchBeforeFileBoundary(at: start)
            if !openFile { report(.warning, .batchStructure, "a file trailer (FTS) has no header (FHS)", at: start, segmentID: "FTS") }
            if let count, Int(count) != batchesInFile {
                report(.warning, .batchCount, "FTS-1 says \(count) batches, the file holds \(batchesInFile)",
                       at: start, segmentID: "FTS", field: 1)
            }
            result.fileTrailers.append(segment)
            openFile = false
            batchesInFile = 0
        }
    }

    mutating func closeBatchBeforeFileBoundary(at offset: InputPoint) {
        guard let batch = openBatch else { return }
        report(.warning, .batchStructure, "a batch (BHS) has no trailer (BTS)", at: offset, segmentID: "BTS")
        result.batches.append(batch)
        openBatch = nil
        batchesInFile += 1
    }

    /// A batch or file segment, split with the current delimiters (read as UTF-8, else Latin-1).
    mutating func envelopeSegment(_ text: ArraySlice<UInt8>, start: InputPoint) -> HL7v2Segment {
        var utf8: [UInt8] = []
        if !HL7v2Charset.utf8.appendUTF8(of: text, to: &utf8) { _ = HL7v2Charset.latin1.appendUTF8(of: text, to: &utf8) }
        let id = String(decoding: text.prefix(3), as: UTF8.self)
        return HL7v2Segment(fields: splitFields(utf8, delimiters: delimiters, isHeader: HL7v2Segment.isHeaderID(id)),
                            source: location(start, segmentID: id))
    }

    /// The character set named by MSH-18 (first repetition, first component) of an MSH line,
    /// and whether MSH-18 named one.
    mutating func charsetOf(_ text: ArraySlice<UInt8>, delimiters d: HL7v2Delimiters, at start: InputPoint,
                            messageIndex: Int) -> (HL7v2Charset, Bool) {
        let tokens = text.split(separator: d.field, omittingEmptySubsequences: false)
        guard tokens.count > 17 else { return (options.defaultCharset ?? .utf8, options.defaultCharset != nil) }
        let first = tokens[17].prefix { $0 != d.repetition && $0 != d.component }
        let code = String(decoding: first, as: UTF8.self)
        if code.trimmingASCIISpaces().isEmpty { return (options.defaultCharset ?? .utf8, options.defaultCharset != nil) }
        if let charset = HL7v2Charset(table0211: code) { return (charset, true) }
        pendingMessageIssues.append(HL7v2Issue(.warning, .charset,
            "MSH-18 names the character set '\(code)', which is not read; the bytes are read as UTF-8, else Latin-1",
            at: location(start, messageIndex: messageIndex, segmentIndex: 0, segmentID: "MSH", field: 18)))
        return (.utf8, false)
    }

    // MARK: Segments and messages

    /// Splits the pending segment into fields and adds it to the message.
    mutating func flushSegment() {
        guard var m = message, let pending = m.pending else { return }
        m.pending = nil
        var utf8: [UInt8] = []
        if m.charset == .utf8, pending.bytes.allSatisfy({ $0 < 0x80 }) || isValidUTF8(pending.bytes) {
            utf8 = pending.bytes  // already UTF-8: no copy
        } else if !m.charset.appendUTF8(of: pending.bytes, to: &utf8) {
            _ = HL7v2Charset.latin1.appendUTF8(of: pending.bytes, to: &utf8)
            if !m.warnedFallback {
                m.warnedFallback = true
                let text = m.mayFallBack ? "the bytes are not valid UTF-8 and MSH-18 names no character set: read as Latin-1 (ISO 8859-1)"
                    : "the bytes are not valid in the character set MSH-18 names: read as Latin-1 (ISO 8859-1)"
                appendIssue(&m, HL7v2Issue(.warning, .charset, text,
                    at: location(pending.start, messageIndex: m.index, segmentIndex: m.segments.count,
                                 segmentID: String(decoding: pending.bytes.prefix(3), as: UTF8.self))))
            }
        }
        let fields = splitFields(utf8, delimiters: m.delimiters, isHeader: pending.isHeader)
        m.segments.append(HL7v2Segment(fields: fields, source: location(pending.start, messageIndex: m.index,
                                                                         segmentIndex: m.segments.count, segmentID: fields[0])))
        message = m
    }

    /// Ends the message being read: checks its header and adds it to the result.
    mutating func finishMessage() {
        flushSegment()
        guard var m = message else { return }
        message = nil
        for issue in pendingMessageIssues { appendIssue(&m, issue) }
        pendingMessageIssues = []
        let msh = m.segments[0]
        let mshLocation = msh.source ?? location(.start)
        for (field, name) in [(9, "the message type"), (10, "the message control ID"), (11, "the processing ID"), (12, "the version")]
        where msh.content(field: field, delimiters: m.delimiters).value == nil {
            var at = mshLocation
            at.field = field
            appendIssue(&m, HL7v2Issue(.error, .mshRequired, "MSH-\(field) (\(name)) is required but empty", at: at))
        }
        if let version = msh.content(field: 12, component: 1, delimiters: m.delimiters).value,
           !HL7v2Parser.supportedVersions.contains(version) {
            var at = mshLocation
            at.field = 12
            appendIssue(&m, HL7v2Issue(.error, .unsupportedVersion,
                                       "MSH-12 names version \(version); versions 2.3 to 2.8 are read", at: at))
        }
        if openBatch != nil { openBatch!.messageIndices.append(m.index) }
        result.messages.append(HL7v2Message(delimiters: m.delimiters, charset: m.charset, segments: m.segments,
                                            index: m.index, batchIndex: m.batchIndex,
                                            issues: m.issues.sorted { $0.location.byteOffset < $1.location.byteOffset }))
    }

    /// Issues found in the MSH before the message exists (MSH-18).
    var pendingMessageIssues: [HL7v2Issue] = []

    // MARK: Reporting

    func location(_ at: InputPoint, messageIndex: Int? = nil, segmentIndex: Int? = nil, segmentID: String? = nil,
                  field: Int? = nil) -> HL7v2Location {
        HL7v2Location(messageIndex: messageIndex, segmentIndex: segmentIndex, segmentID: segmentID, field: field,
                      line: at.line, column: at.column, byteOffset: at.offset)
    }

    mutating func report(_ severity: Severity, _ rule: HL7v2Rule, _ text: String, at offset: InputPoint, messageIndex: Int? = nil,
                         segmentID: String? = nil, field: Int? = nil) {
        if rule == .noMSH { noMSHReported = true }
        result.issues.append(HL7v2Issue(severity, rule, text, at: location(offset, messageIndex: messageIndex,
                                                                           segmentID: segmentID, field: field)))
    }

    mutating func addMessageIssue(_ severity: Severity, _ rule: HL7v2Rule, _ text: String, at offset: InputPoint, segmentID: String) {
        guard var m = message else { return }
        appendIssue(&m, HL7v2Issue(severity, rule, text, at: location(offset, messageIndex: m.index,
                                                                      segmentIndex: m.segments.count, segmentID: segmentID)))
        message = m
    }

    /// Adds an issue to a message, up to the limit; past it, one `too-many-issues` counts the rest.
    func appendIssue(_ m: inout MessageInProgress, _ issue: HL7v2Issue) {
        if m.issues.count < options.maxIssuesPerMessage {
            m.issues.append(issue)
        } else if m.suppressed == 0 {
            m.suppressed = 1
            m.issues.append(HL7v2Issue(.warning, .tooManyIssues,
                                       "more than \(options.maxIssuesPerMessage) issues in this message: the rest are not listed",
                                       at: issue.location))
        }
    }

    /// Content outside any message: reported once per run of such lines.
    mutating func reportOrphan(at offset: InputPoint) {
        guard !orphanReported else { return }
        orphanReported = true
        report(.error, .noMSH, "content before any MSH segment belongs to no message and is skipped", at: offset)
    }
}

/// The raw fields of a segment's UTF-8 bytes. In MSH, BHS and FHS the separator itself is field 1.
func splitFields(_ utf8: [UInt8], delimiters: HL7v2Delimiters, isHeader: Bool) -> [String] {
    var fields: [String] = []
    fields.reserveCapacity(24)
    let separator = delimiters.field
    var start = 0
    for i in utf8.indices where utf8[i] == separator {
        fields.append(String(decoding: utf8[start..<i], as: UTF8.self))
        if isHeader && fields.count == 1 { fields.append(delimiters.fieldSeparator) }
        start = i + 1
    }
    fields.append(String(decoding: utf8[start...], as: UTF8.self))
    return fields
}

extension HL7v2Segment {
    /// A segment from raw fields whose first is the ID.
    init(fields: [String], source: HL7v2Location?) {
        self.fields = fields
        self.source = source
    }
}
