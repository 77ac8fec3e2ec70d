/// A wire format of FHIR STU3 messages: what a message is read from or written to. Validation
/// rules depend on it too (element order is an XML rule, JSON value kinds a JSON one).
public enum MessageFormat: String, Sendable, CaseIterable, Hashable {
    /// FHIR XML (`http://hl7.org/fhir` namespace), as in the FHIR STU3 specification's XML format page.
    case xml
    /// FHIR JSON, as in the FHIR STU3 specification's JSON format page.
    case json

    /// The usual file extension.
    public var fileExtension: String { rawValue }

    /// The other format: what a conversion produces when no target is named.
    public var opposite: MessageFormat { self == .xml ? .json : .xml }

    /// Detects the format from content: the first byte after a UTF-8 BOM and whitespace is `<` for
    /// XML or `{` for JSON. Nil when it is neither.
    public static func detect<C: Collection>(_ bytes: C) -> MessageFormat? where C.Element == UInt8 {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        for b in bytes.starts(with: bom) ? bytes.dropFirst(3) : bytes[...] {
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "<"): return .xml
            case UInt8(ascii: "{"): return .json
            default: return nil
            }
        }
        return nil
    }

}
