import FHIRModel

/// A place in the input: byte offset (from 0), line and column (from 1, in bytes).
struct InputPoint: Sendable {
    var offset: Int
    var line: Int
    var column: Int

    static let start = InputPoint(offset: 0, line: 1, column: 1)
}

/// The byte-level step before any segment is read, done incrementally: bytes arrive in chunks
/// cut anywhere, and come out as lines (CR, LF and CR LF each end one), frame ends and framing
/// findings. An input whose first non-whitespace byte is an MLLP start block (`0x0B`) is a run
/// of frames (`0x0B` message `0x1C 0x0D`); any other input is one plain run of lines.
///
/// Only the line being read is held, and never more than `maxLineBytes` of it: a longer line is
/// reported once (``Event/lineTooLong(start:head:)``) and skipped up to its line break.
struct HL7v2Framer {
    static let startBlock: UInt8 = 0x0B
    static let endBlock: UInt8 = 0x1C
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A

    static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == cr || b == lf }

    /// A problem found while unframing: the rule and where it is.
    struct Finding { var rule: HL7v2Rule; var severity: Severity; var at: InputPoint; var message: String }

    /// One line of a frame (or of a plain input), without its line break.
    struct Line {
        var bytes: [UInt8]
        var start: InputPoint
        /// The line break before this line (CR, LF, CR LF; empty at a frame's start): a line that
        /// is no segment is joined to the segment before it with this break, escaped.
        var precedingBreak: [UInt8]
    }

    /// What the framer found, in input order.
    enum Event {
        case line(Line)
        /// A line longer than the limit, skipped; `head` is its first bytes (its segment ID).
        case lineTooLong(start: InputPoint, head: [UInt8])
        /// An MLLP frame ended: the message in it ends too.
        case frameEnd
        case finding(Finding)
    }

    private enum Mode { case undecided, plain, betweenFrames, inFrame, afterEndBlock }

    let maxLineBytes: Int
    private var mode = Mode.undecided
    /// True once a byte other than whitespace has been read.
    private(set) var sawContent = false

    // The position of the next byte, counted as `HL7v2Location` counts: CR, LF and CR LF each end a line.
    private var offset = 0
    private var lineNumber = 1
    private var lineStartOffset = 0
    private var previousWasCR = false

    // The line being read.
    private var buffer: [UInt8] = []
    private var bufferStart: InputPoint?
    private var precedingBreak: [UInt8] = []
    /// The last line ended at a CR: an LF right after it is part of the same break.
    private var lineEndedAtCR = false
    /// The line being read is too long and is skipped up to its end.
    private var discarding = false

    // Between MLLP frames.
    private var junkStart: InputPoint?
    private var junkCount = 0
    private var endBlockAt = InputPoint.start

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    /// Where the next byte will be (at the end: the end of the input).
    var point: InputPoint { InputPoint(offset: offset, line: lineNumber, column: offset - lineStartOffset + 1) }

    /// Reads a chunk, appending what it completes to `events`.
    mutating func scan(_ bytes: Span<UInt8>, into events: inout [Event]) {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch mode {
            case .undecided:
                if !Self.isWhitespace(b) {
                    sawContent = true
                    // Leading whitespace is outside the frames of an MLLP input, blank lines of a plain one.
                    if b == Self.startBlock { buffer.removeAll(); bufferStart = nil; precedingBreak = []; mode = .betweenFrames } else { mode = .plain }
                    continue
                }
                lineByte(b, &events)
            case .plain, .inFrame:
                let framed = mode == .inFrame
                // The ordinary bytes up to the next special one, appended at once.
                var j = i
                while j < bytes.count {
                    let c = bytes[j]
                    if c == Self.cr || c == Self.lf || (framed && (c == Self.startBlock || c == Self.endBlock)) { break }
                    j += 1
                }
                if j > i {
                    append(bytes, i..<j, &events)
                    offset += j - i
                    previousWasCR = false
                    lineEndedAtCR = false
                    i = j
                    continue
                }
                if b == Self.cr || b == Self.lf {
                    lineByte(b, &events)
                } else if b == Self.endBlock {
                    endFrame(&events)
                    endBlockAt = point
                    mode = .afterEndBlock
                } else {  // a start block inside a frame: the frame had no end block
                    endFrame(&events)
                    events.append(.finding(Finding(rule: .mllpUnterminated, severity: .error, at: point,
                        message: "an MLLP frame has no end block (0x1C 0x0D): the message may be cut short")))
                }
            case .afterEndBlock:
                mode = .betweenFrames
                if b != Self.cr {
                    events.append(.finding(Finding(rule: .mllpUnterminated, severity: .warning, at: endBlockAt,
                                                   message: "an MLLP end block 0x1C is not followed by 0x0D")))
                    continue
                }
            case .betweenFrames:
                if b == Self.startBlock {
                    reportJunk(&events)
                    mode = .inFrame
                } else if junkStart != nil {
                    junkCount += 1
                } else if !Self.isWhitespace(b) {
                    junkStart = point
                    junkCount = 1
                }
            }
            advance(b)
            i += 1
        }
    }

    /// Ends the input: the line and frame still open, and what is missing at the end.
    mutating func finish(into events: inout [Event]) {
        switch mode {
        case .undecided, .plain:
            flushLastLine(&events)
        case .inFrame:
            endFrame(&events)
            events.append(.finding(Finding(rule: .mllpUnterminated, severity: .error, at: point,
                message: "an MLLP frame has no end block (0x1C 0x0D): the message may be cut short")))
        case .afterEndBlock:
            events.append(.finding(Finding(rule: .mllpUnterminated, severity: .warning, at: endBlockAt,
                                           message: "an MLLP end block 0x1C is not followed by 0x0D")))
        case .betweenFrames:
            reportJunk(&events)
        }
        mode = .betweenFrames
    }

    // MARK: Lines

    /// A CR, LF, space or tab of a line.
    private mutating func lineByte(_ b: UInt8, _ events: inout [Event]) {
        if b == Self.cr {
            endLine(&events)
            precedingBreak = [Self.cr]
            lineEndedAtCR = true
        } else if b == Self.lf {
            if lineEndedAtCR {
                precedingBreak = [Self.cr, Self.lf]
                lineEndedAtCR = false
            } else {
                endLine(&events)
                precedingBreak = [Self.lf]
            }
        } else {
            lineEndedAtCR = false
            append(CollectionOfOne(b).span, 0..<1, &events)
        }
    }

    /// Appends the bytes `bytes[run]` to the line being read.
    private mutating func append(_ bytes: Span<UInt8>, _ run: Range<Int>, _ events: inout [Event]) {
        if discarding { return }
        if bufferStart == nil { bufferStart = point }
        if buffer.count + run.count > maxLineBytes {
            var head = Array(buffer.prefix(8))
            for i in run where head.count < 8 { head.append(bytes[i]) }
            events.append(.lineTooLong(start: bufferStart!, head: head))
            buffer = []
            bufferStart = nil
            discarding = true
            return
        }
        buffer.append(copying: bytes, run)
    }

    /// The line ends at a line break (an empty line too: it is a blank line).
    private mutating func endLine(_ events: inout [Event]) {
        if discarding {
            discarding = false
        } else {
            events.append(.line(Line(bytes: buffer, start: bufferStart ?? point, precedingBreak: precedingBreak)))
        }
        buffer = []
        bufferStart = nil
    }

    /// The last line of a frame or input, when it has bytes (no line break after it).
    private mutating func flushLastLine(_ events: inout [Event]) {
        if !buffer.isEmpty { endLine(&events) }
        discarding = false
        buffer = []
        bufferStart = nil
    }

    private mutating func endFrame(_ events: inout [Event]) {
        flushLastLine(&events)
        events.append(.frameEnd)
        precedingBreak = []
        lineEndedAtCR = false
    }

    private mutating func reportJunk(_ events: inout [Event]) {
        guard let start = junkStart else { return }
        events.append(.finding(Finding(rule: .mllpOutsideFrame, severity: .error, at: start,
                                       message: "\(junkCount) bytes outside any MLLP frame are skipped")))
        junkStart = nil
        junkCount = 0
    }

    /// Moves the position past one byte.
    private mutating func advance(_ b: UInt8) {
        if b == Self.cr {
            lineNumber += 1
            lineStartOffset = offset + 1
            previousWasCR = true
        } else {
            if b == Self.lf {
                if !previousWasCR { lineNumber += 1 }
                lineStartOffset = offset + 1
            }
            previousWasCR = false
        }
        offset += 1
    }
}
