extension HL7v2Message {
    /// Writes a value at a path, escaping it with the message's own delimiters; nil empties the
    /// place. Missing segments (up to the occurrence), fields, repetitions and components are
    /// added empty. MSH-1 and MSH-2 follow ``delimiters`` and are not set this way.
    ///
    /// - Throws: ``HL7v2EncodingError`` when the value needs escaping and MSH-2 has no escape character.
    public mutating func setValue(_ value: String?, at path: HL7v2Path) throws(HL7v2EncodingError) {
        let raw = try value.map { v throws(HL7v2EncodingError) in try HL7v2Escaping.encode(v, delimiters: delimiters) } ?? ""
        setRaw(raw, at: path)
    }

    /// Writes the null value `""` (delete the stored value) at a path.
    public mutating func setNull(at path: HL7v2Path) { setRaw("\"\"", at: path) }

    /// Writes raw text (already escaped, may hold this message's delimiters) at a path.
    public mutating func setRaw(_ raw: String, at path: HL7v2Path) {
        var seen = 0
        var index: Int?
        for (i, s) in segments.enumerated() where s.id == path.segment {
            seen += 1
            if seen == path.occurrence { index = i; break }
        }
        if index == nil {
            for _ in seen..<path.occurrence { segments.append(HL7v2Segment(path.segment)) }
            index = segments.count - 1
        }
        let s = index!
        guard let field = path.field else { return }
        if segments[s].isHeader && field <= 2 { return }
        while segments[s].fields.count <= field { segments[s].fields.append("") }
        segments[s].fields[field] = replacing(in: segments[s].fields[field], path: path, with: raw)
    }

    /// The raw field with one place replaced.
    private func replacing(in field: String, path: HL7v2Path, with raw: String) -> String {
        if path.repetition == nil && path.component == nil { return raw }
        let d = delimiters
        func replace(_ text: String, at n: Int, on delimiter: UInt8?, _ change: (String) -> String) -> String {
            guard let delimiter else { return n == 1 ? change(text) : text }
            var parts = splitRaw(Substring(text), on: delimiter).map(String.init)
            if text.isEmpty { parts = [""] }
            while parts.count < n { parts.append("") }
            parts[n - 1] = change(parts[n - 1])
            return parts.joined(separator: String(decoding: [delimiter], as: UTF8.self))
        }
        return replace(field, at: path.repetition ?? 1, on: d.repetition) { rep in
            guard let c = path.component else { return raw }
            return replace(rep, at: c, on: d.component) { comp in
                guard let sc = path.subcomponent else { return raw }
                return replace(comp, at: sc, on: d.subcomponent) { _ in raw }
            }
        }
    }

    /// Adds a segment at the end and returns its index; fill it with ``setValue(_:at:)`` or
    /// through ``segments``.
    @discardableResult
    public mutating func appendSegment(_ id: String) -> Int {
        segments.append(HL7v2Segment(id))
        return segments.count - 1
    }
}
