import Foundation

/// Who answers, and the identity of the answer.
public struct ResponseSettings: Sendable, Hashable {
    /// `MessageHeader.source.endpoint` of the response: the receiver's own endpoint (e.g. its ASID
    /// as `urn:nhs:addressing:asid:…`).
    public var sourceEndpoint: String
    /// `MessageHeader.source.name`, when given.
    public var sourceName: String?
    /// ODS code of the organisation responsible for the response (`MessageHeader.responsible`).
    public var odsCode: String
    /// Display name of that organisation, when given.
    public var organizationName: String?
    /// The response's MessageHeader id, a lower-case UUID; the other ids are derived from it, so a
    /// given id makes the whole response reproducible. Nil: a random UUID.
    public var id: String?
    /// `MessageHeader.timestamp` and `Task.authoredOn` (a dateTime with seconds and a zone). Nil:
    /// the current time, in UTC.
    public var timestamp: String?

    /// Settings for a responder.
    public init(sourceEndpoint: String, sourceName: String? = nil, odsCode: String,
                organizationName: String? = nil, id: String? = nil, timestamp: String? = nil) {
        self.sourceEndpoint = sourceEndpoint
        self.sourceName = sourceName
        self.odsCode = odsCode
        self.organizationName = organizationName
        self.id = id
        self.timestamp = timestamp
    }

    /// True when `text` is a dateTime the EMS definitions accept for a timestamp: date, time to the
    /// second (optional fraction) and a zone (`Z` or `±hh:mm`).
    public static func isTimestamp(_ text: String) -> Bool {
        text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#,
                   options: .regularExpression) != nil
    }

    /// The current time as `yyyy-MM-ddTHH:mm:ss+00:00`.
    static func now() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'+00:00'"
        return formatter.string(from: Date())
    }
}

/// The resource ids of one response: the header's, and the others derived from it.
struct ResponseIDs {
    let header: String
    let bundle: String
    let task: String
    let outcome: String

    /// Ids from a header UUID: each other id is a UUID-shaped hash of the header id and its role,
    /// so the same header id always gives the same response.
    init(header: String) {
        self.header = header
        bundle = Self.derived(header, "bundle")
        task = Self.derived(header, "task")
        outcome = Self.derived(header, "outcome")
    }

    /// A UUID (version 4 layout) from two FNV-1a hashes of `seed` and `role`.
    static func derived(_ seed: String, _ role: String) -> String {
        func fnv(_ text: String, _ basis: UInt64) -> UInt64 {
            text.utf8.reduce(basis) { ($0 ^ UInt64($1)) &* 0x100000001b3 }
        }
        let key = seed + "/" + role
        var bytes: [UInt8] = []
        for word in [fnv(key, 0xcbf29ce484222325), fnv(key, 0x84222325cbf29ce4)] {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String($0, radix: 16).leftPadded(2) }.joined()
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { r in
            String(hex[hex.index(hex.startIndex, offsetBy: r.lowerBound)..<hex.index(hex.startIndex, offsetBy: r.upperBound)])
        }
        return parts.joined(separator: "-")
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
