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

    private enum Syntax: Sendable { case undecided, json, xml, opaque }
    private enum JSONState: Sendable { case between, structure, string, escape, trailing, fragment }
    private enum XMLState: Sendable { case text, startTag, attribute, endTag, comment, cdata, instruction, declaration }

    private var syntax = Syntax.undecided
    /// Bytes not yet framed; `bufferOffset` is the input offset of its first byte.
    private var buffer: [UInt8] = []
    private var bufferOffset = 0
    /// The input offset of the next byte to examine.
    private var scanOffset = 0
    /// The current message's first byte, its line and column; nil between JSON messages.
    private var messageStart: Int? = 0
    private var messageLine = 1, messageColumn = 1
    /// True once the current message passed the limit: its bytes are dropped as they are scanned.
    private var discarding = false
    private var line = 1, lineStartOffset = 0
    private var previousWasNewline = true
    private var completed: [FramedMessage] = []
    private var completedHead = 0
    private var framedCount = 0

    // JSON scanning state.
    private var json = JSONState.between
    private var depth = 0
    // XML scanning state.
    private var xml = XMLState.text
    private var rootClosed = false
    private var documentHasMarkup = false
    private var quote: UInt8 = 0
    /// Consecutive `-`, `]` or `?` seen in a comment, CDATA section or processing instruction.
    private var closingRun = 0
    private var previousTagByte: UInt8 = 0
    private var declarationBrackets = 0

    /// A framer keeping messages of up to `maximumMessageBytes` bytes.
    public init(maximumMessageBytes: Int = MessageFramer.defaultMaximumMessageBytes) {
        self.maximumMessageBytes = max(maximumMessageBytes, 1)
    }

    /// Adds the next bytes of the input; the messages they complete are then available from
    /// ``nextMessage()``.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        scan(atEnd: false)
    }

    /// Adds the next bytes of the input.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
        scan(atEnd: false)
    }

    /// Ends the input: the message still open (if any) is complete.
    public mutating func finish() {
        scan(atEnd: true)
        if syntax == .undecided || syntax == .opaque {
            // No significant byte, or no syntax the framer knows: the whole input is one message
            // (an empty one too, which the reader reports).
            if framedCount == 0 { complete(at: bufferOffset + buffer.count) }
        } else if messageStart != nil, bufferOffset + buffer.count > (messageStart ?? 0) || framedCount == 0 {
            complete(at: bufferOffset + buffer.count)
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

    private mutating func scan(atEnd: Bool) {
        if syntax == .undecided { decideSyntax(atEnd: atEnd) }
        switch syntax {
        case .undecided, .opaque: break
        case .json: scanJSON()
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
        advance(to: i)
        json = .structure
        depth = 0
    }

    /// Moves the scan to input offset `offset`, counting the line breaks passed.
    private mutating func advance(to offset: Int) {
        while scanOffset < offset {
            let b = buffer[scanOffset - bufferOffset]
            noteByte(b, at: scanOffset)
            scanOffset += 1
        }
    }

    @inline(__always)
    private mutating func noteByte(_ b: UInt8, at offset: Int) {
        if b == 0x0A {
            line += 1
            lineStartOffset = offset + 1
            previousWasNewline = true
        } else {
            previousWasNewline = false
        }
    }

    private mutating func scanJSON() {
        while scanOffset < bufferOffset + buffer.count {
            let offset = scanOffset
            let b = buffer[offset - bufferOffset]
            let atLineStart = previousWasNewline
            switch json {
            case .between:
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    beginMessage(at: offset)
                    depth = 1
                    json = .structure
                } else if !Self.isSpace(b) {
                    beginMessage(at: offset)
                    json = .fragment
                }
            case .structure:
                if b == UInt8(ascii: "\"") {
                    json = .string
                } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    if atLineStart, depth > 0 {
                        restartMessage(at: offset)
                        depth = 0
                    }
                    depth += 1
                } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    depth -= 1
                    if depth <= 0 { depth = 0; json = .trailing }
                }
            case .string:
                if b == UInt8(ascii: "\\") {
                    json = .escape
                } else if b == UInt8(ascii: "\"") {
                    json = .structure
                } else if atLineStart, b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    restartMessage(at: offset)
                    depth = 1
                    json = .structure
                }
            case .escape:
                json = .string
            case .trailing:
                if b == 0x0A {
                    complete(at: offset)
                    messageStart = nil
                    json = .between
                } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    restartMessage(at: offset)
                    depth = 1
                    json = .structure
                }
            case .fragment:
                if atLineStart, b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    restartMessage(at: offset)
                    depth = 1
                    json = .structure
                }
            }
            noteByte(b, at: offset)
            scanOffset += 1
        }
    }

    private mutating func scanXML(atEnd: Bool) {
        while scanOffset < bufferOffset + buffer.count {
            let offset = scanOffset
            let b = buffer[offset - bufferOffset]
            switch xml {
            case .text:
                if b == UInt8(ascii: "<") {
                    // Up to `<![CDATA[` is needed to tell the markup apart.
                    let available = bufferOffset + buffer.count - offset
                    if available < 9, !atEnd { return }
                    if openMarkup(at: offset) { continue }
                }
            case .startTag:
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                    xml = .attribute
                } else if b == UInt8(ascii: ">") {
                    if previousTagByte != UInt8(ascii: "/") { depth += 1 } else if depth == 0 { rootClosed = true }
                    xml = .text
                }
                if !Self.isSpace(b) { previousTagByte = b }
            case .attribute:
                if b == quote { xml = .startTag; previousTagByte = b }
            case .endTag:
                if b == UInt8(ascii: ">") {
                    depth -= 1
                    if depth <= 0 { depth = 0; rootClosed = true }
                    xml = .text
                }
            case .comment, .cdata:
                let run = xml == .comment ? UInt8(ascii: "-") : UInt8(ascii: "]")
                if b == UInt8(ascii: ">"), closingRun >= 2 { xml = .text } else { closingRun = b == run ? closingRun + 1 : 0 }
            case .instruction:
                if b == UInt8(ascii: ">"), closingRun >= 1 { xml = .text } else { closingRun = b == UInt8(ascii: "?") ? 1 : 0 }
            case .declaration:
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
            }
            noteByte(b, at: offset)
            scanOffset += 1
        }
    }

    /// Classifies the markup starting with the `<` at `offset`, starting a new document where one
    /// begins. At least nine bytes from `offset` are available, or the input has ended. True when
    /// the scan already passed the markup's opening.
    private mutating func openMarkup(at offset: Int) -> Bool {
        let i = offset - bufferOffset
        func has(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard i + count <= buffer.count else { return false }
            return text.withUTF8Buffer { pattern in (0..<count).allSatisfy { buffer[i + $0] == pattern[$0] } }
        }
        closingRun = 0
        quote = 0
        previousTagByte = 0
        if has("<!--") {
            xml = .comment
            advance(to: offset + 4)
            return true
        }
        if has("<![CDATA[") {
            xml = .cdata
            advance(to: offset + 9)
            return true
        }
        if has("<!") {
            xml = .declaration
            declarationBrackets = 0
            return false
        }
        if has("<?") {
            let declaration = has("<?xml") && (i + 5 >= buffer.count || Self.isSpace(buffer[i + 5]) || buffer[i + 5] == UInt8(ascii: "?"))
            if declaration, documentHasMarkup { startDocument(at: offset) }
            xml = .instruction
            documentHasMarkup = true
            advance(to: offset + 2)
            return true
        }
        if has("</") {
            xml = .endTag
            documentHasMarkup = true
            return false
        }
        if rootClosed { startDocument(at: offset) }
        xml = .startTag
        documentHasMarkup = true
        return false
    }

    private mutating func startDocument(at offset: Int) {
        restartMessage(at: offset)
        depth = 0
        rootClosed = false
        documentHasMarkup = false
    }

    // MARK: - Messages

    private mutating func beginMessage(at offset: Int) {
        messageStart = offset
        messageLine = line
        messageColumn = offset - lineStartOffset + 1
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

    /// Drops the bytes no message needs any more.
    private mutating func compact() {
        var keepFrom = scanOffset
        if let start = messageStart, !discarding { keepFrom = min(keepFrom, start) }
        if syntax == .undecided || syntax == .opaque { keepFrom = bufferOffset }
        // Opaque input is one message: kept whole up to the limit, then dropped.
        if syntax == .opaque {
            let length = bufferOffset + buffer.count
            if length > maximumMessageBytes { discarding = true; keepFrom = bufferOffset + buffer.count }
        }
        let drop = keepFrom - bufferOffset
        guard drop > 0, drop >= 1 << 16 || drop * 2 >= buffer.count else { return }
        buffer.removeFirst(drop)
        bufferOffset = keepFrom
    }

    @inline(__always)
    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
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
