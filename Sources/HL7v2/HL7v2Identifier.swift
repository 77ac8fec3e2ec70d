/// One identifier (CX) of a repeating identifier field such as PID-3, with the repetition it came from.
public struct HL7v2Identifier: Sendable, Hashable {
    /// The repetition of the field, from 1 (for marking it used: `PID-3[repetition]`).
    public var repetition: Int
    /// CX.1, the ID.
    public var id: String?
    /// CX.4.1, the assigning authority's namespace ID (`NHS`, a trust's ODS code).
    public var assigningAuthority: String?
    /// CX.4.2, the assigning authority's universal ID (an OID).
    public var assigningAuthorityUniversalID: String?
    /// CX.5, the identifier type code (table 0203: `NH`, `MR`…).
    public var typeCode: String?

    /// An identifier from its parts.
    public init(repetition: Int, id: String?, assigningAuthority: String? = nil, assigningAuthorityUniversalID: String? = nil,
                typeCode: String? = nil) {
        self.repetition = repetition
        self.id = id
        self.assigningAuthority = assigningAuthority
        self.assigningAuthorityUniversalID = assigningAuthorityUniversalID
        self.typeCode = typeCode
    }

    /// The OID of the NHS number (`2.16.840.1.113883.2.1.4.1`), sent in CX.4.2 by some feeds.
    public static let nhsNumberOID = "2.16.840.1.113883.2.1.4.1"

    /// True for an NHS number by the UK conventions: type `NH`, authority `NHS`, or the NHS number OID.
    public var isNHSNumber: Bool {
        typeCode == "NH" || assigningAuthority == "NHS" || assigningAuthorityUniversalID == Self.nhsNumberOID
    }
}

extension HL7v2Message {
    /// Every repetition of a CX field (`PID-3`, `NK1-33`, `PID-21`) read as identifiers, absent and null ones left out.
    public func identifiers(at path: HL7v2Path) -> [HL7v2Identifier] {
        guard let field = path.field, let s = segment(path.segment, occurrence: path.occurrence) else { return [] }
        let count = s.repetitionCount(field: field, delimiters: delimiters)
        return (1...max(count, 1)).compactMap { r in
            guard count > 0 else { return nil }
            func read(_ c: Int, _ sc: Int? = nil) -> String? {
                s.content(field: field, repetition: r, component: c, subcomponent: sc, delimiters: delimiters,
                          charset: charset).value
            }
            let id = HL7v2Identifier(repetition: r, id: read(1), assigningAuthority: read(4, 1),
                                     assigningAuthorityUniversalID: read(4, 2), typeCode: read(5))
            return id.id == nil && id.assigningAuthority == nil && id.typeCode == nil ? nil : id
        }
    }

    /// The first repetition of a field whose component (and subcomponent) equals a value: "the
    /// PID-3 whose CX.4 is NHS" is `repetition(of: "PID-3", whereComponent: 4, equals: "NHS")`.
    /// Returns the repetition number, from 1.
    public func repetition(of path: HL7v2Path, whereComponent component: Int, subcomponent: Int? = nil,
                           equals expected: String) -> Int? {
        guard let field = path.field, let s = segment(path.segment, occurrence: path.occurrence) else { return nil }
        let count = s.repetitionCount(field: field, delimiters: delimiters)
        return (0..<count).map { $0 + 1 }.first { r in
            s.content(field: field, repetition: r, component: component, subcomponent: subcomponent,
                      delimiters: delimiters, charset: charset).value == expected
        }
    }

    /// The NHS number among the patient identifiers (PID-3, first PID): the repetition of type
    /// `NH` or authority `NHS` (or the NHS number OID), as the UK conventions send it. Its ID is
    /// given as sent; spaces are the caller's to strip.
    public var nhsNumber: HL7v2Identifier? {
        identifiers(at: HL7v2Path(segment: "PID", field: 3)).first { $0.isNHSNumber && $0.id != nil }
    }
}
