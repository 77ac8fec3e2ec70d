import FHIRModel

/// What a response needs to know about the message it answers, read from its MessageHeader.
///
/// Every field is optional: a rejected message may lack any of them, or may not have been readable
/// at all (then ``init(root:)`` is given nil and everything is nil).
public struct IncomingMessage: Sendable, Hashable {
    /// `MessageHeader.id`: the message id the response refers to.
    public var headerID: String?
    /// `Bundle.id`, used when the header has no usable id.
    public var bundleID: String?
    /// `MessageHeader.source.endpoint`: where the response goes.
    public var sourceEndpoint: String?
    /// `MessageHeader.source.name`.
    public var sourceName: String?
    /// `MessageHeader.event.code`.
    public var eventCode: String?
    /// `MessageHeader.event.system`.
    public var eventSystem: String?

    /// The facts of a message tree (a Bundle whose first entry is a MessageHeader, or a bare
    /// MessageHeader); nil gives an empty summary.
    public init(root: Element?) {
        guard let root else { return }
        let header: Element?
        if root.resourceType == "MessageHeader" {
            header = root
        } else {
            bundleID = root.child("id")?.value
            header = root.children(named: "entry").lazy
                .compactMap { $0.child("resource") }
                .first { $0.resourceType == "MessageHeader" }
        }
        guard let header else { return }
        headerID = header.child("id")?.value
        sourceEndpoint = header.descendant("source.endpoint")?.value
        sourceName = header.descendant("source.name")?.value
        eventCode = header.descendant("event.code")?.value
        eventSystem = header.descendant("event.system")?.value
    }

    /// The id the response cites as the incoming message's: the header id, else the Bundle id,
    /// whichever first is a valid FHIR `id` (1–64 of `A-Z a-z 0-9 - .`); nil when neither is.
    public var messageID: String? {
        [headerID, bundleID].compactMap { $0 }.first(where: Self.isFHIRId)
    }

    /// True when `value` matches the STU3 `id` lexical rule.
    static func isFHIRId(_ value: String) -> Bool {
        (1...64).contains(value.utf8.count) && value.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E
        }
    }
}
