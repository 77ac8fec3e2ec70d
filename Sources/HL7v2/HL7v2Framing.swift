import FHIRModel

/// MLLP framing (`0x0B` message `0x1C 0x0D`) and segment lines: the byte-level steps before any
/// segment is read.
enum HL7v2Framing {
    static let startBlock: UInt8 = 0x0B
    static let endBlock: UInt8 = 0x1C
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A

    static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == cr || b == lf }

    /// A problem found while unframing: the rule and the byte offset where it is.
    struct Finding { var rule: HL7v2Rule; var severity: Severity; var offset: Int; var message: String }

    /// The parts of the input that hold HL7 text: the content of each MLLP frame when the input
    /// starts (after whitespace) with a start block, otherwise the whole input.
    static func frames(_ bytes: [UInt8]) -> (frames: [Range<Int>], findings: [Finding]) {
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }), bytes[first] == startBlock else {
            return ([0..<bytes.count], [])
        }
        var frames: [Range<Int>] = []
        var findings: [Finding] = []
        var i = first
        while i < bytes.count {
            if isWhitespace(bytes[i]) { i += 1; continue }
            guard bytes[i] == startBlock else {
                let next = bytes[i...].firstIndex(of: startBlock) ?? bytes.count
                findings.append(Finding(rule: .mllpOutsideFrame, severity: .error, offset: i,
                                        message: "\(next - i) bytes outside any MLLP frame are skipped"))
                i = next
                continue
            }
            let start = i + 1
            // The frame ends at its end block; a start block before it means the end block is missing.
            let end = bytes[start...].firstIndex { $0 == endBlock || $0 == startBlock } ?? bytes.count
            frames.append(start..<end)
            if end == bytes.count || bytes[end] == startBlock {
                findings.append(Finding(rule: .mllpUnterminated, severity: .error, offset: end,
                                        message: "an MLLP frame has no end block (0x1C 0x0D): the message may be cut short"))
                i = end
            } else if end + 1 < bytes.count, bytes[end + 1] == cr {
                i = end + 2
            } else {
                findings.append(Finding(rule: .mllpUnterminated, severity: .warning, offset: end,
                                        message: "an MLLP end block 0x1C is not followed by 0x0D"))
                i = end + 1
            }
        }
        return (frames, findings)
    }

    /// One line: its bytes and the line break after it (empty at the end of a frame).
    struct Line { var range: Range<Int>; var lineBreak: Range<Int> }

    /// The lines of a frame; CR, LF and CR LF each end one.
    static func lines(_ bytes: [UInt8], in frame: Range<Int>, _ body: (Line) -> Void) {
        var start = frame.lowerBound
        var i = start
        while i < frame.upperBound {
            let b = bytes[i]
            if b == cr || b == lf {
                let breakEnd = (b == cr && i + 1 < frame.upperBound && bytes[i + 1] == lf) ? i + 2 : i + 1
                body(Line(range: start..<i, lineBreak: i..<breakEnd))
                start = breakEnd
                i = breakEnd
            } else {
                i += 1
            }
        }
        if start < frame.upperBound { body(Line(range: start..<frame.upperBound, lineBreak: frame.upperBound..<frame.upperBound)) }
    }
}

/// Turns byte offsets into line:column, counting forward from the last offset asked for (the
/// reader asks in input order, so a whole input is counted once).
struct LineCounter {
    let bytes: [UInt8]
    private var offset = 0
    private var line = 1
    private var lineStart = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Line (from 1) and column (from 1, in bytes) of a byte offset.
    mutating func position(of target: Int) -> (line: Int, column: Int) {
        if target < offset { offset = 0; line = 1; lineStart = 0 }
        let end = min(target, bytes.count)
        var i = offset
        while i < end {
            let b = bytes[i]
            if b == HL7v2Framing.cr {
                line += 1; lineStart = i + 1
            } else if b == HL7v2Framing.lf {
                if i == 0 || bytes[i - 1] != HL7v2Framing.cr { line += 1 }
                lineStart = i + 1
            }
            i += 1
        }
        offset = end
        return (line, target - lineStart + 1)
    }
}
