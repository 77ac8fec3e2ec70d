import FHIRModel
import Foundation

/// Splits a byte stream into messages as its bytes arrive: NDJSON (one JSON message per line),
/// JSON messages back to back, XML documents back to back, or one message of any other kind.
///
/// The framer only finds where each message begins and ends; it does not check the messages,
/// which the readers do afterwards with exact positions. The first significant byte (after a UTF-8
/// byte order mark and white space) decides the syntax:
/// - `{` or `[`: JSON. A message ends where its outermost object closes; white space and stray
///   bytes after it on the same line belong to it (the reader then reports them), and stray lines
///   between messages form a message of their own, which the reader rejects. A line that starts
///   with `{` while a message is still open starts a new message: a truncated NDJSON line costs
///   that line only (a `{` in column 1 cannot continue a JSON value: strings hold no raw line
///   breaks, and nested values are indented by every pretty-printer).
/// - `<`: XML. A document ends where the next one begins: at a start tag after its root element
///   has closed, or at an XML declaration (`<?xml `) anywhere outside comments, CDATA sections and
///   attribute values, so a truncated document costs that document only. Comments, processing
///   instructions and stray text after the root belong to the document before them.
/// - anything else: the whole input is one message, for the reader to reject.
///
/// The first message starts at the input's first byte (a byte order mark and leading white space
/// included), so an input holding one message is framed as exactly its bytes; later messages start
/// at their first significant byte. A message longer than the limit is not kept: it is skipped to
/// its end and framed as ``FramedMessage/Content/tooLarge(byteCount:)``, and the stream goes on.
public struct MessageFramer: Sendable {
    /// The default largest message kept: 256 MiB, enough for a Bundle of 50,000 entries.
    public static let defaultMaximumMessageBytes = 256 << 20

    /// The largest message kept whole, in bytes.
    public let maximumMessageBytes: Int

    /// How an input is split.
    public enum Framing: Sendable {
        /// By the syntax of its first significant byte, as described above.
        case detect
        /// Strictly one message per line (strict NDJSON): every line is a message, a blank or
        /// broken one too, so that a pipeline gets exactly one result per line it sends; an empty
        /// input has none.
        case lines
    }

    /// How this framer splits its input.
    public let framing: Framing

    private enum Syntax: Sendable { case undecided, json, xml, opaque }
    private enum JSONState: Sendable { case between, structure, string, escape, trailing, fragment }
    private enum XMLState: Sendable { case text, startTag, attribute, endTag, comment, cdata, instruction, declaration }

    private var syntax = Syntax.undecided
    /// Bytes not yet framed; `bufferOffset` is the input offset of its first byte. At least
    /// ``lookbehind`` bytes before the scan stay in it, for the checks that look back.
    private var buffer: [UInt8] = []
    private var bufferOffset = 0
    private static let lookbehind = 8
    /// The input offset of the next byte to examine.
    private var scanOffset = 0
    /// The current message's first byte, its line and column; nil between JSON messages.
    private var messageStart: Int? = 0
    private var messageLine = 1, messageColumn = 1
    /// True once the current message passed the limit: its bytes are dropped as they are scanned.
    private var discarding = false
    /// Lines are counted only where a message starts: up to `countedOffset`, `countedLine` lines
    /// have begun, the last at `lineStartOffset`.
    private var countedOffset = 0, countedLine = 1, lineStartOffset = 0
    private var completed: [FramedMessage] = []
    private var completedHead = 0
    private var framedCount = 0

    // JSON scanning state.
    private var json = JSONState.structure
    private var depth = 0
    // XML scanning state.
    private var xml = XMLState.text
    private var rootClosed = false
    private var documentHasMarkup = false
    private var quote: UInt8 = 0
    /// Where the body of the comment, CDATA section or instruction being scanned starts (its
    /// closing `-->`, `]]>` or `?>` cannot overlap its opening).
    private var markupBodyStart = 0
    private var declarationBrackets = 0

    /// A framer keeping messages of up to `maximumMessageBytes` bytes.
    public init(maximumMessageBytes: Int = MessageFramer.defaultMaximumMessageBytes, framing: Framing = .detect) {
        self.maximumMessageBytes = max(maximumMessageBytes, 1)
        self.framing = framing
    }

    /// Adds the next bytes of the input (an array slice, `Data`...); the messages they complete
    /// are then available from ``nextMessage()``.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
        scan(atEnd: false)
    }

    /// Ends the input: the message still open (if any) is complete.
    public mutating func finish() {
        scan(atEnd: true)
        let end = bufferOffset + buffer.count
        if framing == .lines {
            // The last line, when the input does not end with a line break.
            if let start = messageStart, end > start { complete(at: end) }
        } else if syntax == .undecided || syntax == .opaque {
            // No significant byte, or no syntax the framer knows: the whole input is one message
            // (an empty one too, which the reader reports).
            if framedCount == 0 { complete(at: end) }
        } else if let start = messageStart, end > start || framedCount == 0 {
            complete(at: end)
        }
        messageStart = nil
    }

    /// The next complete message, in input order; nil when none is complete yet.
    public mutating func nextMessage() -> FramedMessage? {
        guard completedHead < completed.count else { return nil }
        defer {
            completedHead += 1
            if completedHead == completed.count {
                completed.removeAll(keepingCapacity: true)
                completedHead = 0
            }
        }
        return completed[completedHead]
    }

    // MARK: - Scanning

    private var end: Int { bufferOffset + buffer.count }

    private mutating func scan(atEnd: Bool) {
        if framing == .lines {
            scanLines()
            enforceLimit()
            compact()
            return
        }
        if syntax == .undecided { decideSyntax(atEnd: atEnd) }
        switch syntax {
        case .undecided, .opaque: break
        case .json: scanJSON(atEnd: atEnd)
        case .xml: scanXML(atEnd: atEnd)
        }
        enforceLimit()
        compact()
    }

    /// Looks past a byte order mark and white space for the first significant byte.
    private mutating func decideSyntax(atEnd: Bool) {
        let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
        if !atEnd, buffer.count < mark.count, !buffer.isEmpty, Array(mark.prefix(buffer.count)) == buffer { return }
        var i = buffer.starts(with: mark) ? mark.count : 0
        while i < buffer.count, Self.isSpace(buffer[i]) { i += 1 }
        guard i < buffer.count else { return }
        switch buffer[i] {
        case UInt8(ascii: "{"), UInt8(ascii: "["): syntax = .json
        case UInt8(ascii: "<"): syntax = .xml
        default: syntax = .opaque
        }
        // The first message keeps the leading bytes (its positions stay the input's own); the
        // scan goes on at the significant byte, as inside a message.
        scanOffset = i
    }

    // MARK: Lines

    /// Strict lines: each line break ends a message (without it), and the next starts after it.
    private mutating func scanLines() {
        syntax = .json
        while let newline = find(0x0A, from: scanOffset) {
            complete(at: newline)
            scanOffset = newline + 1
            beginMessage(at: scanOffset)
        }
        scanOffset = end
    }

    // MARK: JSON

    private mutating func scanJSON(atEnd: Bool) {
        while scanOffset < end {
            let offset = scanOffset
            switch json {
            case .between:
                let b = byte(at: offset)
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    beginMessage(at: offset)
                    depth = 1
                    json = .structure
                } else if !Self.isSpace(b) {
                    beginMessage(at: offset)
                    json = .fragment
                }
                scanOffset = offset + 1
            case .structure, .string, .escape:
                switch scanValue(from: offset, atEnd: atEnd) {
                case .end(let next):
                    scanOffset = next
                    return
                case .closed(let next):
                    depth = 0
                    json = .trailing
                    scanOffset = next
                case .restart(let at):
                    restartMessage(at: at)
                    depth = 1
                    json = .structure
                    scanOffset = at + 1
                }
            case .trailing:
                let b = byte(at: offset)
                if b == 0x0A {
                    complete(at: offset)
                    messageStart = nil
                    json = .between
                } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    restartMessage(at: offset)
                    depth = 1
                    json = .structure
                }
                scanOffset = offset + 1
            case .fragment:
                guard let newline = find(0x0A, from: offset) else { scanOffset = end; return }
                guard newline + 1 < end else {
                    scanOffset = atEnd ? end : newline
                    return
                }
                let next = byte(at: newline + 1)
                if next == UInt8(ascii: "{") || next == UInt8(ascii: "[") {
                    restartMessage(at: newline + 1)
                    depth = 1
                    json = .structure
                    scanOffset = newline + 2
                } else {
                    scanOffset = newline + 1
                }
            }
        }
    }

    private enum ValueScan { case end(Int), closed(Int), restart(at: Int) }

    /// Scans inside a JSON message, in one pass over the buffer, until its outermost value closes,
    /// a line that starts with `{` shows the message was cut, or the bytes run out.
    private mutating func scanValue(from offset: Int, atEnd: Bool) -> ValueScan {
        var state = json, level = depth
        let base = bufferOffset
        let result = Self.scanValue(buffer.span, from: offset - base, base: base, atEnd: atEnd, state: &state, level: &level)
        json = state
        depth = level
        return result
    }

    /// The loop of ``scanValue(from:atEnd:)`` over the buffer's bytes `p` (input offset `base`),
    /// from index `start`.
    private static func scanValue(_ p: Span<UInt8>, from start: Int, base: Int, atEnd: Bool,
                                  state: inout JSONState, level: inout Int) -> ValueScan {
        var i = start
        while i < p.count {
            switch state {
            case .string:
                // To `"`, `\` or a line break.
                while i < p.count {
                    let b = p[i]
                    if b == 0x22 || b == 0x5C || b == 0x0A { break }
                    i += 1
                }
                guard i < p.count else { break }
                let b = p[i]
                if b == UInt8(ascii: "\"") {
                    state = .structure
                } else if b == UInt8(ascii: "\\") {
                    state = .escape
                } else {
                    // A raw line break cannot be in a string: a `{` after it starts a new message.
                    guard i + 1 < p.count else { return .end(base + (atEnd ? p.count : i)) }
                    if p[i + 1] == UInt8(ascii: "{") || p[i + 1] == UInt8(ascii: "[") { return .restart(at: base + i + 1) }
                }
            case .escape:
                state = .string
            default:
                // To `"`, `{`, `[`, `}` or `]` (`[` and `]` are `{` and `}` less 0x20).
                while i < p.count {
                    let b = p[i]
                    if b == 0x22 || b | 0x20 == 0x7B || b | 0x20 == 0x7D { break }
                    i += 1
                }
                guard i < p.count else { break }
                let b = p[i]
                if b == UInt8(ascii: "\"") {
                    state = .string
                } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    let lineStart = i > 0 ? p[i - 1] == 0x0A : base == 0
                    if level > 0, lineStart { return .restart(at: base + i) }
                    level += 1
                } else {
                    level -= 1
                    if level <= 0 { return .closed(base + i + 1) }
                }
            }
            i += 1
        }
        return .end(base + p.count)
    }

    // MARK: XML

    private mutating func scanXML(atEnd: Bool) {
        while scanOffset < end {
            let offset = scanOffset
            switch xml {
            case .text:
                guard let open = find(UInt8(ascii: "<"), from: offset) else { scanOffset = end; return }
                // Up to `<![CDATA[` is needed to tell the markup apart.
                scanOffset = open
                if end - open < 9, !atEnd { return }
                scanOffset = openMarkup(at: open)
            case .startTag:
                let stop = firstStop(from: offset, in: Self.tagStops)
                guard stop < end else { scanOffset = end; return }
                let b = byte(at: stop)
                if b == UInt8(ascii: ">") {
                    // `/>` ends an empty element (XML 1.0 §3.1: no space between them).
                    if byte(at: stop - 1) != UInt8(ascii: "/") { depth += 1 } else if depth == 0 { rootClosed = true }
                    xml = .text
                } else {
                    quote = b
                    xml = .attribute
                }
                scanOffset = stop + 1
            case .attribute:
                guard let close = find(quote, from: offset) else { scanOffset = end; return }
                xml = .startTag
                scanOffset = close + 1
            case .endTag:
                guard let close = find(UInt8(ascii: ">"), from: offset) else { scanOffset = end; return }
                depth -= 1
                if depth <= 0 { depth = 0; rootClosed = true }
                xml = .text
                scanOffset = close + 1
            case .comment, .cdata, .instruction:
                guard let close = find(UInt8(ascii: ">"), from: offset) else { scanOffset = end; return }
                if closesMarkup(at: close) { xml = .text }
                scanOffset = close + 1
            case .declaration:
                let b = byte(at: offset)
                if quote != 0 {
                    if b == quote { quote = 0 }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                } else if b == UInt8(ascii: "[") {
                    declarationBrackets += 1
                } else if b == UInt8(ascii: "]") {
                    declarationBrackets -= 1
                } else if b == UInt8(ascii: ">"), declarationBrackets <= 0 {
                    xml = .text
                }
                scanOffset = offset + 1
            }
        }
    }

    /// True when the `>` at `offset` ends the comment (`-->`), CDATA section (`]]>`) or processing
    /// instruction (`?>`) being scanned.
    private func closesMarkup(at offset: Int) -> Bool {
        switch xml {
        case .comment, .cdata:
            let mark = xml == .comment ? UInt8(ascii: "-") : UInt8(ascii: "]")
            return offset - 2 >= markupBodyStart && byte(at: offset - 1) == mark && byte(at: offset - 2) == mark
        default:
            return offset - 1 >= markupBodyStart && byte(at: offset - 1) == UInt8(ascii: "?")
        }
    }

    /// Classifies the markup starting with the `<` at `offset`, starting a new document where one
    /// begins, and returns where the scan goes on. At least nine bytes from `offset` are
    /// available, or the input has ended.
    private mutating func openMarkup(at offset: Int) -> Int {
        func has(_ pattern: [UInt8]) -> Bool {
            guard offset + pattern.count <= end else { return false }
            for (i, b) in pattern.enumerated() where byte(at: offset + i) != b { return false }
            return true
        }
        quote = 0
        let second = offset + 1 < end ? byte(at: offset + 1) : 0
        if second == UInt8(ascii: "!") {
            if has(Self.commentOpening) { return enterMarkup(.comment, bodyAt: offset + 4) }
            if has(Self.cdataOpening) { return enterMarkup(.cdata, bodyAt: offset + 9) }
            xml = .declaration
            declarationBrackets = 0
            return offset + 1
        }
        if second == UInt8(ascii: "?") {
            let afterName = offset + 5
            let isDeclaration = has(Self.declarationOpening)
                && (afterName >= end || Self.isSpace(byte(at: afterName)) || byte(at: afterName) == UInt8(ascii: "?"))
            if isDeclaration, documentHasMarkup { startDocument(at: offset) }
            documentHasMarkup = true
            return enterMarkup(.instruction, bodyAt: offset + 2)
        }
        documentHasMarkup = true
        if second == UInt8(ascii: "/") {
            xml = .endTag
            return offset + 2
        }
        if rootClosed { startDocument(at: offset) }
        xml = .startTag
        return offset + 1
    }

    private mutating func enterMarkup(_ state: XMLState, bodyAt body: Int) -> Int {
        xml = state
        markupBodyStart = body
        return min(body, end)
    }

    private mutating func startDocument(at offset: Int) {
        restartMessage(at: offset)
        depth = 0
        rootClosed = false
        documentHasMarkup = false
    }

    private static let commentOpening = Array("<!--".utf8)
    private static let cdataOpening = Array("<![CDATA[".utf8)
    private static let declarationOpening = Array("<?xml".utf8)

    // MARK: - Messages

    private mutating func beginMessage(at offset: Int) {
        messageStart = offset
        (messageLine, messageColumn) = position(of: offset)
        discarding = false
    }

    /// Ends the current message before `offset` (if one is open) and starts the next there.
    private mutating func restartMessage(at offset: Int) {
        if messageStart != nil { complete(at: offset) }
        beginMessage(at: offset)
    }

    private mutating func complete(at end: Int) {
        let start = messageStart ?? end
        let content: FramedMessage.Content
        if discarding || end - start > maximumMessageBytes {
            content = .tooLarge(byteCount: end - start)
        } else {
            content = .bytes(Data(buffer[(start - bufferOffset)..<(end - bufferOffset)]))
        }
        completed.append(FramedMessage(index: framedCount, offset: start, line: messageLine,
                                       column: messageColumn, content: content))
        framedCount += 1
        messageStart = end
        discarding = false
    }

    /// A message past the limit stops being kept; its end is still found.
    private mutating func enforceLimit() {
        guard let start = messageStart, !discarding, scanOffset - start > maximumMessageBytes else { return }
        discarding = true
    }

    /// Drops the bytes no message needs any more (lines counted first).
    private mutating func compact() {
        var keepFrom = max(scanOffset - Self.lookbehind, bufferOffset)
        if let start = messageStart, !discarding { keepFrom = min(keepFrom, start) }
        if syntax == .undecided { keepFrom = bufferOffset }
        // Opaque input is one message: kept whole up to the limit, then dropped.
        if syntax == .opaque {
            keepFrom = bufferOffset
            if end > maximumMessageBytes { discarding = true; keepFrom = end }
        }
        let drop = keepFrom - bufferOffset
        guard drop > 0, drop >= 1 << 16 || drop * 2 >= buffer.count else { return }
        _ = position(of: keepFrom)
        buffer.removeFirst(drop)
        bufferOffset = keepFrom
    }

    // MARK: - Bytes

    @inline(__always)
    private func byte(at offset: Int) -> UInt8 { buffer[offset - bufferOffset] }

    /// The 1-based line and column of input offset `offset` (not before the last one asked for).
    private mutating func position(of offset: Int) -> (line: Int, column: Int) {
        if offset > countedOffset {
            var i = countedOffset - bufferOffset
            let stop = offset - bufferOffset
            while i < stop {
                let index = LibCByteScan.firstIndex(of: 0x0A, in: buffer, from: i, to: stop)
                guard index < stop else { break }
                countedLine += 1
                lineStartOffset = bufferOffset + index + 1
                i = index + 1
            }
            countedOffset = offset
        }
        return (countedLine, offset - lineStartOffset + 1)
    }

    /// True when the byte at `offset` begins a line.
    private func isLineStart(_ offset: Int) -> Bool {
        offset == 0 || (offset > bufferOffset && byte(at: offset - 1) == 0x0A)
    }

    /// The offset of the first `target` byte at or after `offset`; nil when none is in the buffer.
    private func find(_ target: UInt8, from offset: Int) -> Int? {
        let start = offset - bufferOffset
        guard start < buffer.count else { return nil }
        let index = LibCByteScan.firstIndex(of: target, in: buffer, from: start, to: buffer.count)
        return index < buffer.count ? bufferOffset + index : nil
    }

    /// The offset of the first byte at or after `offset` that `stops` marks; ``end`` when none.
    private func firstStop(from offset: Int, in stops: StopTable) -> Int {
        let bytes = buffer.span
        var i = offset - bufferOffset
        while i < bytes.count, !stops.contains(bytes[i]) { i += 1 }
        return bufferOffset + i
    }

    private static let tagStops = StopTable("\"'>")

    @inline(__always)
    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
    }
}

/// The bytes a scan stops at, as a 256-bit set.
private struct StopTable: Sendable {
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(_ stops: String) {
        for b in stops.utf8 {
            switch b >> 6 {
            case 0: bits.0 |= 1 << UInt64(b & 63)
            case 1: bits.1 |= 1 << UInt64(b & 63)
            case 2: bits.2 |= 1 << UInt64(b & 63)
            default: bits.3 |= 1 << UInt64(b & 63)
            }
        }
    }

    @inline(__always)
    func contains(_ b: UInt8) -> Bool {
        let word: UInt64
        switch b >> 6 {
        case 0: word = bits.0
        case 1: word = bits.1
        case 2: word = bits.2
        default: word = bits.3
        }
        return word & (1 << UInt64(b & 63)) != 0
    }
}

/// One message found by a ``MessageFramer``: where it starts in its input and its bytes.
public struct FramedMessage: Sendable {
    /// The message's bytes, or how many there were when it passed the framer's limit.
    public enum Content: Sendable {
        /// The message's bytes.
        case bytes(Data)
        /// A message longer than the limit; its bytes were skipped.
        case tooLarge(byteCount: Int)
    }

    /// The message's position among the input's messages (0-based).
    public let index: Int
    /// The byte offset of its first byte in the input.
    public let offset: Int
    /// The 1-based line of its first byte.
    public let line: Int
    /// The 1-based column (in bytes) of its first byte.
    public let column: Int
    /// Its bytes.
    public let content: Content

    /// A framed message.
    public init(index: Int, offset: Int, line: Int, column: Int, content: Content) {
        self.index = index
        self.offset = offset
        self.line = line
        self.column = column
        self.content = content
    }
}
