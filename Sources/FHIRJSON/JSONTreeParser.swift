import FHIRModel

/// What an object is, as far as the reader can tell without definitions.
enum ObjectRole {
    /// The top-level object: must be a resource.
    case root
    /// Any other object of the content (a datatype, a backbone element, a nested resource).
    case ordinary
    /// An item of `extension` / `modifierExtension`: `url` is `Element.url`.
    case extensionItem
    /// A `_name` object (or `_name[i]`): id, extensions and comments of a primitive.
    case primitiveMeta
}

/// What the reader remembers of one property name within the object being read: the element(s) it
/// became, and which of `name` / `_name` it has seen, so that the two halves of a primitive merge
/// and duplicates are found.
struct MemberRecord {
    var name: NameRef
    /// Index of the first element of this name in the element buffer.
    var start: Int
    /// Number of elements (array items) of this name.
    var count: Int
    /// Length of the value side (`name`), -1 while it has not been seen.
    var valueLength: Int
    /// Length of the `_name` side, -1 while it has not been seen.
    var metaLength: Int
    var isArray: Bool
    /// False for objects and arrays of objects (which cannot have a `_name`).
    var isPrimitive: Bool
    /// True when some item of either side is `null` (the marks are in ``JSONTreeParser/nullMarks``).
    var hasNulls: Bool = false
}

/// A `null` item of an aligned primitive array.
struct NullMark {
    /// Index of the array's ``MemberRecord``.
    var record: Int
    var index: Int
    var isMeta: Bool
    var position: SourcePosition
}

/// Where a property name's bytes are, without making a string of them: `length` bytes at `offset`
/// in the input, or (negative `offset`) an escaped name decoded into the parser's list of names.
struct NameRef {
    var offset: Int
    var length: Int
}

/// A step of the path of the value being read (for issues only).
struct KeyStep {
    var name: NameRef
    var index: Int
}

/// A step of a path (the writer's, which has its names at hand).
struct PathStep {
    var name: String
    var index: Int
}

/// The kind of a property name, from its bytes.
enum KeyKind {
    case member
    case meta
    case resourceType
    case fhirComments
    case url
}

enum Byte {
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let slash: UInt8 = 0x2F
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let plus: UInt8 = 0x2B
    static let dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let underscore: UInt8 = 0x5F
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
}

/// The byte-level tokenizer and tree builder behind ``FHIRJSONReader``.
///
/// One recursive-descent pass: values are checked against RFC 8259 as they are read and turned into
/// elements at once. Children are built on a shared ``ElementBuffer``; property names of the object
/// being read are tracked in ``records`` (a linear search, or a dictionary for large objects).
struct JSONTreeParser {
    /// The input (the reader's copy, or the caller's array).
    let p: [UInt8]
    let end: Int
    var pos = 0
    var line = 1
    var lineStart = 0
    var depth = 0
    let options: JSONReadOptions

    var elements = ElementBuffer()
    var records: [MemberRecord] = []
    var nullMarks: [NullMark] = []
    var escapedNames: [String] = []
    var path: [KeyStep] = []
    var scratch: [UInt8] = []
    var errors: [Issue] = []
    var warnings: [Issue] = []
    var rootType: String?
    /// The name of the member whose scalar value is being read, for the path of a fatal error.
    var scalarName: NameRef?

    init(bytes: [UInt8], options: JSONReadOptions) {
        p = bytes
        end = bytes.count
        self.options = options
        records.reserveCapacity(64)
        path.reserveCapacity(32)
    }

    // MARK: - Document

    mutating func parseDocument() throws -> Decoded {
        if end >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
            pos = 3
            lineStart = 3
            warnings.append(Issue(.warning, .structure, rule: JSONRule.byteOrderMark,
                "the input starts with a byte order mark; JSON text must not have one",
                position: SourcePosition(line: 1, column: 1)))
        }
        skipWhitespace()
        guard byte(at: pos) == Byte.openBrace else {
            if pos >= end { throw fatal(JSONRule.syntax, "the input is empty: expected a JSON object") }
            throw unexpected("expected a JSON object (a FHIR resource) at the top level")
        }
        let root = try parseObject(name: "", position: here, role: .root)
        skipWhitespace()
        if pos < end {
            if isCommentStart { throw fatal(JSONRule.comment, "JSON has no comments") }
            throw fatal(JSONRule.trailingContent,
                        "unexpected \(describe(at: pos)) after the end of the top-level object")
        }
        if !errors.isEmpty { throw IssuesError(errors + warnings) }
        return Decoded(root: root, issues: warnings, format: .json)
    }

    // MARK: - Objects

    /// Reads an object (at its `{`) up to and including its `}` and returns its element, named `name`
    /// (a root resource is named after its type) and placed at `position`.
    mutating func parseObject(name: String, position: SourcePosition, role: ObjectRole) throws -> Element {
        try enter()
        pos += 1
        let childBase = elements.count
        let recordBase = records.count
        var lookup: [String: Int]? = nil
        var resourceType: String? = nil
        var url: String? = nil
        var comments: [String] = []
        var sawResourceType = false
        var sawComments = false
        var sawURL = false

        skipWhitespace()
        if byte(at: pos) == Byte.closeBrace {
            pos += 1
        } else {
            while true {
                guard byte(at: pos) == Byte.quote else {
                    throw unexpected("expected a property name (a string in double quotes)")
                }
                let keyPosition = here
                let (kind, name, ref, isExtensionKey) = try parseKey(role: role)
                skipWhitespace()
                guard byte(at: pos) == Byte.colon else { throw unexpected("expected ':' after a property name") }
                pos += 1
                skipWhitespace()

                switch kind {
                case .member:
                    try parseMember(name: name, ref: ref, keyPosition: keyPosition, isExtensionKey: isExtensionKey,
                                    recordBase: recordBase, lookup: &lookup)
                case .meta:
                    try parseMetaMember(name: name, ref: ref, keyPosition: keyPosition, role: role,
                                        recordBase: recordBase, lookup: &lookup)
                case .resourceType:
                    if sawResourceType {
                        try duplicate("resourceType", at: keyPosition)
                        try skipValue()
                    } else {
                        sawResourceType = true
                        resourceType = try parseResourceType(role: role, keyPosition: keyPosition)
                    }
                case .fhirComments:
                    if sawComments {
                        try duplicate("fhir_comments", at: keyPosition)
                        try skipValue()
                    } else {
                        sawComments = true
                        comments = try parseComments(keyPosition: keyPosition)
                    }
                case .url:
                    if sawURL {
                        try duplicate("url", at: keyPosition)
                        try skipValue()
                    } else {
                        sawURL = true
                        if byte(at: pos) == Byte.quote {
                            url = try parseString()
                        } else {
                            try report(JSONRule.shape, "the 'url' of an extension must be a string",
                                       at: keyPosition, name: "url")
                            try skipValue()
                        }
                    }
                }

                if try !anotherItem(before: Byte.closeBrace) { break }
            }
        }
        depth -= 1

        // Finish: aligned arrays, Element.id, the name of a root resource.
        var k = recordBase
        while k < records.count {
            if records[k].isArray {
                if records[k].isPrimitive { try checkAlignment(k) }
                let start = records[k].start
                for i in start..<(start + records[k].count) { elements[i].inJSONArray = true }
            }
            k += 1
        }
        if !nullMarks.isEmpty {
            while let last = nullMarks.last, last.record >= recordBase { nullMarks.removeLast() }
        }
        var id: String? = nil
        var elementName = name
        if resourceType == nil {
            if role == .root {
                try report(JSONRule.resourceType, "the top-level object has no 'resourceType'", at: position)
            }
            if let r = findIdRecord(recordBase: recordBase, lookup: lookup) {
                let record = records[r]
                if record.isArray || !record.isPrimitive || record.metaLength >= 0
                    || elements[record.start].valueKind != .string {
                    try report(JSONRule.shape,
                        "the 'id' of an element (Element.id) must be a single string, without '_id'",
                        at: elements[record.start].position, name: "id")
                } else {
                    id = elements.remove(at: record.start).value
                }
            }
        } else if role == .root {
            elementName = resourceType!
        }
        records.removeLast(records.count - recordBase)
        return Element(name: elementName, resourceType: resourceType, id: id, url: url,
                       children: elements.take(from: childBase), comments: comments, position: position)
    }

    /// Checks an aligned primitive array pair (FHIR STU3 JSON format, repeating primitives): every index needs a value or a `_name` object.
    mutating func checkAlignment(_ r: Int) throws {
        let record = records[r]
        if record.valueLength >= 0 && record.metaLength > record.valueLength {
            let name = nameString(record.name)
            warn(JSONRule.arrayLength,
                 "the array '\(name)' has \(record.valueLength) items but '_\(name)' has \(record.metaLength)",
                 at: elements[record.start].position, name: name)
        }
        if !record.hasNulls { return }
        let name = nameString(record.name)
        let marks = nullMarks.filter { $0.record == r }
        var metaNulls = Set<Int>()
        var valueNulls = Set<Int>()
        for mark in marks {
            if mark.isMeta { metaNulls.insert(mark.index) } else { valueNulls.insert(mark.index) }
        }
        func valueIsNull(_ i: Int) -> Bool {
            record.valueLength < 0 || i >= record.valueLength || valueNulls.contains(i)
        }
        func metaIsNull(_ i: Int) -> Bool {
            record.metaLength < 0 || i >= record.metaLength || metaNulls.contains(i)
        }
        var reported = Set<Int>()
        for mark in marks where valueIsNull(mark.index) && metaIsNull(mark.index) {
            guard reported.insert(mark.index).inserted else { continue }
            let message: String
            if record.metaLength < 0 {
                message = "null in '\(name)' needs an object at the same index of '_\(name)'"
            } else if record.valueLength < 0 {
                message = "null in '_\(name)' needs a value at the same index of '\(name)'"
            } else {
                message = "'\(name)' and '_\(name)' are both null at index \(mark.index)"
            }
            try report(JSONRule.null, message, at: mark.position, name: name, index: mark.index)
        }
    }

    mutating func parseResourceType(role: ObjectRole, keyPosition: SourcePosition) throws -> String? {
        guard byte(at: pos) == Byte.quote else {
            try report(JSONRule.resourceType, "'resourceType' must be a string", at: keyPosition)
            try skipValue()
            return nil
        }
        let type = try parseString()
        if role == .extensionItem || role == .primitiveMeta {
            try report(JSONRule.resourceType, "'resourceType' is not allowed here: this object is not a resource",
                       at: keyPosition)
        } else if type.isEmpty {
            try report(JSONRule.resourceType, "'resourceType' must name a resource type", at: keyPosition)
        } else {
            if role == .root { rootType = type }
            return type
        }
        return nil
    }

    mutating func parseComments(keyPosition: SourcePosition) throws -> [String] {
        var comments: [String] = []
        guard byte(at: pos) == Byte.openBracket else {
            try report(JSONRule.shape, "'fhir_comments' must be an array of strings", at: keyPosition,
                       name: "fhir_comments")
            try skipValue()
            return comments
        }
        try enter()
        pos += 1
        skipWhitespace()
        if byte(at: pos) == Byte.closeBracket {
            pos += 1
            depth -= 1
            return comments
        }
        var index = 0
        while true {
            if byte(at: pos) == Byte.quote {
                comments.append(try parseString())
            } else {
                try report(JSONRule.shape, "'fhir_comments' must be an array of strings", at: here,
                           name: "fhir_comments", index: index)
                try skipValue()
            }
            index += 1
            if try !anotherItem(before: Byte.closeBracket) { break }
        }
        depth -= 1
        return comments
    }

    // MARK: - Members

    func isScalarStart(_ b: UInt8) -> Bool {
        b == Byte.quote || b == Byte.minus || (b >= Byte.zero && b <= Byte.nine) || b == 0x74 /* t */
            || b == 0x66 /* f */
    }

    /// A property `name` (not `_name`): a primitive, an object, or an array of either.
    mutating func parseMember(name: String, ref: NameRef, keyPosition: SourcePosition, isExtensionKey: Bool,
                                      recordBase: Int, lookup: inout [String: Int]?) throws {
        let existing = findRecord(ref, name, recordBase: recordBase, lookup: lookup)
        if let r = existing, records[r].valueLength >= 0 {
            try duplicate(name, at: keyPosition)
            try skipValue()
            return
        }
        let b = byte(at: pos)
        if isScalarStart(b) {
            scalarName = ref
            defer { scalarName = nil }
            if isExtensionKey {
                try report(JSONRule.shape, "'\(name)' must be an array of objects", at: keyPosition, name: name)
                try skipValue()
                return
            }
            let (value, kind) = try parseScalar()
            if let r = existing {
                guard !records[r].isArray else {
                    try report(JSONRule.shape, "'_\(name)' is an array, so '\(name)' must be one too",
                               at: keyPosition, name: name)
                    return
                }
                elements[records[r].start].value = value
                elements[records[r].start].valueKind = kind
                records[r].valueLength = 1
            } else {
                elements.push(name: name, value: value, valueKind: kind, position: keyPosition)
                addRecord(MemberRecord(name: ref, start: elements.count - 1, count: 1, valueLength: 1,
                                       metaLength: -1, isArray: false, isPrimitive: true),
                          recordBase: recordBase, lookup: &lookup)
            }
        } else if b == Byte.openBrace {
            if existing != nil {
                try report(JSONRule.shape, "'_\(name)' belongs to a primitive value, but '\(name)' is an object",
                           at: keyPosition, name: name)
                try skipValue()
                return
            }
            if isExtensionKey {
                warn(JSONRule.arrayExpected, "'\(name)' must be an array, even for one item",
                     at: keyPosition, name: name)
            }
            path.append(KeyStep(name: ref, index: -1))
            elements.push(try parseObject(name: name, position: keyPosition,
                                          role: isExtensionKey ? .extensionItem : .ordinary))
            path.removeLast()
            addRecord(MemberRecord(name: ref, start: elements.count - 1, count: 1, valueLength: 1,
                                   metaLength: -1, isArray: false, isPrimitive: false),
                      recordBase: recordBase, lookup: &lookup)
        } else if b == Byte.openBracket {
            try parseArrayMember(name: name, ref: ref, keyPosition: keyPosition, isExtensionKey: isExtensionKey,
                                 existing: existing, recordBase: recordBase, lookup: &lookup)
        } else if b == 0x6E /* n */ {
            try parseLiteral("null")
            try report(JSONRule.null, "'\(name)' is null: null is only allowed inside the arrays of a repeating primitive",
                       at: keyPosition, name: name)
        } else {
            scalarName = ref
            throw unexpected("expected a value")
        }
    }

    /// The value side of a primitive at index `i` of an array whose elements start at `start`.
    mutating func placeArrayItem(_ element: consuming Element, index: Int, existing: Int?,
                                         recordBase: Int, merge: (inout Element, Element) -> Void) {
        if let r = existing {
            if index < records[r].count {
                merge(&elements[records[r].start + index], element)
            } else {
                let at = records[r].start + records[r].count
                elements.insert(consume element, at: at)
                records[r].count += 1
                var k = recordBase
                while k < records.count {
                    if k != r && records[k].start >= at { records[k].start += 1 }
                    k += 1
                }
            }
        } else {
            elements.push(consume element)
        }
    }

    mutating func parseArrayMember(name: String, ref: NameRef, keyPosition: SourcePosition, isExtensionKey: Bool,
                                           existing: Int?, recordBase: Int,
                                           lookup: inout [String: Int]?) throws {
        if let r = existing, !records[r].isArray {
            try report(JSONRule.shape, "'_\(name)' is a single object, so '\(name)' must not be an array",
                       at: keyPosition, name: name)
            try skipValue()
            return
        }
        let start = existing.map { records[$0].start } ?? elements.count
        // 0: unknown (empty or only nulls so far), 1: primitives, 2: objects
        var mode = existing == nil ? 0 : 1
        var sawPrimitive = false
        var nulls: [NullMark] = []
        let index = try parseArrayItems(name, key: name, ref: ref, keyPosition: keyPosition) { parser, index, itemPosition, b in
            try parser.parseValueItem(name, b: b, index: index, itemPosition: itemPosition, existing: existing,
                                      recordBase: recordBase, isExtensionKey: isExtensionKey, mode: &mode,
                                      sawPrimitive: &sawPrimitive, nulls: &nulls)
        }
        let r: Int
        if let existing {
            r = existing
            records[r].valueLength = index
        } else {
            r = records.count
            addRecord(MemberRecord(name: ref, start: start, count: elements.count - start, valueLength: index,
                                   metaLength: -1, isArray: true, isPrimitive: mode != 2),
                      recordBase: recordBase, lookup: &lookup)
        }
        addNulls(nulls, record: r)
    }

    /// One item of a value array.
    private mutating func parseValueItem(_ name: String, b: UInt8, index: Int, itemPosition: SourcePosition,
                                         existing: Int?, recordBase: Int, isExtensionKey: Bool, mode: inout Int,
                                         sawPrimitive: inout Bool, nulls: inout [NullMark]) throws {
        if isScalarStart(b) {
            if mode == 2 || isExtensionKey {
                try report(JSONRule.shape,
                           isExtensionKey ? "'\(name)' must be an array of objects"
                                          : "the array '\(name)' mixes objects and primitive values",
                           at: itemPosition)
                try skipValue()
            } else {
                mode = 1
                sawPrimitive = true
                let (value, kind) = try parseScalar()
                placeArrayItem(Element(name: name, value: value, valueKind: kind, position: itemPosition),
                               index: index, existing: existing, recordBase: recordBase) { target, item in
                    target.value = item.value
                    target.valueKind = item.valueKind
                }
            }
        } else if b == 0x6E /* n */ {
            try parseLiteral("null")
            if mode == 2 {
                try report(JSONRule.null, "null in the array of objects '\(name)'", at: itemPosition)
            } else {
                mode = 1
                nulls.append(NullMark(record: -1, index: index, isMeta: false, position: itemPosition))
                placeArrayItem(Element(name: name, position: itemPosition), index: index,
                               existing: existing, recordBase: recordBase) { _, _ in }
            }
        } else if b == Byte.openBrace {
            if mode == 1 {
                if !sawPrimitive, let first = nulls.first, existing == nil {
                    // Only nulls so far: this is an array of objects with misplaced nulls.
                    try report(JSONRule.null, "null in the array of objects '\(name)'", at: first.position,
                               index: first.index)
                    nulls.removeAll()
                    mode = 2
                } else {
                    try report(JSONRule.shape, "the array '\(name)' mixes objects and primitive values",
                               at: itemPosition)
                    try skipValue()
                }
            }
            if mode != 1 {
                mode = 2
                elements.push(try parseObject(name: name, position: itemPosition,
                                              role: isExtensionKey ? .extensionItem : .ordinary))
            }
        } else if b == Byte.openBracket {
            try report(JSONRule.shape, "an array inside the array '\(name)'", at: itemPosition)
            try skipValue()
        } else {
            throw unexpected("expected a value")
        }
    }

    /// The frame of an array value shared by value arrays and `_name` arrays: depth and path
    /// bookkeeping, the empty-array warning, and the separators; `item` parses one item. `name` is
    /// the element (for paths), `key` the JSON property as written (for messages).
    /// - Returns: The number of items.
    private mutating func parseArrayItems(
        _ name: String, key: String, ref: NameRef, keyPosition: SourcePosition,
        item: (inout JSONTreeParser, _ index: Int, _ position: SourcePosition, _ firstByte: UInt8) throws -> Void
    ) throws -> Int {
        try enter()
        pos += 1
        skipWhitespace()
        var index = 0
        if byte(at: pos) == Byte.closeBracket {
            pos += 1
            warn(JSONRule.emptyArray, "'\(key)' is an empty array: FHIR JSON has no empty arrays", at: keyPosition,
                 name: name)
        } else {
            path.append(KeyStep(name: ref, index: 0))
            while true {
                path[path.count - 1].index = index
                try item(&self, index, here, byte(at: pos))
                index += 1
                if try !anotherItem(before: Byte.closeBracket) { break }
                if index >= options.maxEntries {
                    throw fatal(JSONRule.tooManyItems,
                                "the array '\(key)' holds more than the limit of \(options.maxEntries) items",
                                type: .tooCostly)
                }
            }
            path.removeLast()
        }
        depth -= 1
        return index
    }

    /// A `_name` property: the id, extensions and comments of the primitive `name` (FHIR STU3 JSON format, primitive elements).
    mutating func parseMetaMember(name: String, ref: NameRef, keyPosition: SourcePosition, role: ObjectRole,
                                          recordBase: Int, lookup: inout [String: Int]?) throws {
        if name == "resourceType" || name == "fhir_comments" || (name == "url" && role == .extensionItem) {
            try report(JSONRule.shape, "'_\(name)' is not allowed: '\(name)' is not a primitive element",
                       at: keyPosition)
            try skipValue()
            return
        }
        let existing = findRecord(ref, name, recordBase: recordBase, lookup: lookup)
        if let r = existing {
            if records[r].metaLength >= 0 {
                try duplicate("_" + name, at: keyPosition)
                try skipValue()
                return
            }
            if !records[r].isPrimitive {
                try report(JSONRule.shape,
                           "'_\(name)' is only allowed beside a primitive value, but '\(name)' holds objects",
                           at: keyPosition, name: name)
                try skipValue()
                return
            }
        }
        let b = byte(at: pos)
        if b == Byte.openBrace {
            if let r = existing, records[r].isArray {
                try report(JSONRule.shape, "'\(name)' is an array, so '_\(name)' must be one too",
                           at: keyPosition, name: name)
                try skipValue()
                return
            }
            path.append(KeyStep(name: ref, index: -1))
            let meta = try parseObject(name: name, position: keyPosition, role: .primitiveMeta)
            path.removeLast()
            if let r = existing {
                JSONTreeParser.mergeMeta(into: &elements[records[r].start], meta)
                records[r].metaLength = 1
            } else {
                elements.push(consume meta)
                addRecord(MemberRecord(name: ref, start: elements.count - 1, count: 1, valueLength: -1,
                                       metaLength: 1, isArray: false, isPrimitive: true),
                          recordBase: recordBase, lookup: &lookup)
            }
        } else if b == Byte.openBracket {
            if let r = existing, !records[r].isArray {
                try report(JSONRule.shape, "'\(name)' is a single value, so '_\(name)' must not be an array",
                           at: keyPosition, name: name)
                try skipValue()
                return
            }
            try parseMetaArray(name: name, ref: ref, keyPosition: keyPosition, existing: existing,
                               recordBase: recordBase, lookup: &lookup)
        } else if b == 0x6E /* n */ {
            try parseLiteral("null")
            try report(JSONRule.null, "'_\(name)' is null", at: keyPosition, name: name)
        } else if isScalarStart(b) {
            try report(JSONRule.shape, "'_\(name)' must be an object (or an array of objects and nulls)",
                       at: keyPosition, name: name)
            try skipValue()
        } else {
            throw unexpected("expected a value")
        }
    }

    mutating func parseMetaArray(name: String, ref: NameRef, keyPosition: SourcePosition, existing: Int?,
                                         recordBase: Int, lookup: inout [String: Int]?) throws {
        let start = existing.map { records[$0].start } ?? elements.count
        var nulls: [NullMark] = []
        let index = try parseArrayItems(name, key: "_" + name, ref: ref, keyPosition: keyPosition) { parser, index, itemPosition, b in
            try parser.parseMetaItem(name, b: b, index: index, itemPosition: itemPosition, existing: existing,
                                     recordBase: recordBase, nulls: &nulls)
        }
        let r: Int
        if let existing {
            r = existing
            records[r].metaLength = index
        } else {
            r = records.count
            addRecord(MemberRecord(name: ref, start: start, count: elements.count - start, valueLength: -1,
                                   metaLength: index, isArray: true, isPrimitive: true),
                      recordBase: recordBase, lookup: &lookup)
        }
        addNulls(nulls, record: r)
    }

    /// One item of a `_name` array: an object holding id / extensions / comments, or null.
    private mutating func parseMetaItem(_ name: String, b: UInt8, index: Int, itemPosition: SourcePosition,
                                        existing: Int?, recordBase: Int, nulls: inout [NullMark]) throws {
        if b == Byte.openBrace {
            let meta = try parseObject(name: name, position: itemPosition, role: .primitiveMeta)
            placeArrayItem(consume meta, index: index, existing: existing, recordBase: recordBase) { target, item in
                JSONTreeParser.mergeMeta(into: &target, item)
            }
        } else if b == 0x6E /* n */ {
            try parseLiteral("null")
            nulls.append(NullMark(record: -1, index: index, isMeta: true, position: itemPosition))
            placeArrayItem(Element(name: name, position: itemPosition), index: index, existing: existing,
                           recordBase: recordBase) { _, _ in }
        } else if isScalarStart(b) || b == Byte.openBracket {
            try report(JSONRule.shape, "the items of '_\(name)' must be objects or null", at: itemPosition)
            try skipValue()
        } else {
            throw unexpected("expected a value")
        }
    }

    static func mergeMeta(into target: inout Element, _ meta: Element) {
        target.id = meta.id
        target.children = meta.children
        target.comments = meta.comments
        if meta.url != nil { target.url = meta.url }
    }

    // MARK: - Records of the current object

    func findRecord(_ ref: NameRef, _ name: String, recordBase: Int, lookup: [String: Int]?) -> Int? {
        if let lookup { return lookup[name] }
        var k = recordBase
        while k < records.count {
            if sameName(records[k].name, ref, name) { return k }
            k += 1
        }
        return nil
    }

    @inline(__always)
    func sameName(_ a: NameRef, _ b: NameRef, _ bName: String) -> Bool {
        if a.offset >= 0 && b.offset >= 0 {
            guard a.length == b.length else { return false }
            if a.offset == b.offset { return true }
            return JSONBytes.equal(p.span, a.offset, b.offset, count: a.length)
        }
        return nameString(a) == bName
    }

    mutating func addRecord(_ record: MemberRecord, recordBase: Int, lookup: inout [String: Int]?) {
        records.append(record)
        if lookup != nil {
            lookup![nameString(record.name)] = records.count - 1
        } else if records.count - recordBase > 24 {
            var table = [String: Int](minimumCapacity: 64)
            for k in recordBase..<records.count { table[nameString(records[k].name)] = k }
            lookup = table
        }
    }

    mutating func addNulls(_ nulls: [NullMark], record r: Int) {
        guard !nulls.isEmpty else { return }
        records[r].hasNulls = true
        for var mark in nulls {
            mark.record = r
            nullMarks.append(mark)
        }
    }

    /// The string of a name reference (only for issues, large objects and escaped names).
    func nameString(_ ref: NameRef) -> String {
        if ref.offset < 0 { return escapedNames[-ref.offset - 1] }
        return String(decoding: p[ref.offset ..< ref.offset + ref.length], as: UTF8.self)
    }

    /// The record of the member `id`, for a datatype's `Element.id`.
    func findIdRecord(recordBase: Int, lookup: [String: Int]?) -> Int? {
        if let lookup { return lookup["id"] }
        var k = recordBase
        while k < records.count {
            let name = records[k].name
            if name.length == 2 {
                if name.offset >= 0 {
                    if p[name.offset] == 0x69 && p[name.offset + 1] == 0x64 { return k }
                } else if nameString(name) == "id" {
                    return k
                }
            }
            k += 1
        }
        return nil
    }
}
