import FHIRModel

/// The event code of a FHIR message: `Bundle.entry[0].resource.event.code`, where the first entry
/// is the MessageHeader (STU3: `MessageHeader.event` is a Coding; the message's first entry must
/// be its MessageHeader). What a bulk run counts messages by.
public enum MessageEvent {
    /// The event code of a message Bundle's tree; nil when it is not a message with one.
    public static func code(of root: Element) -> String? {
        guard root.resourceType == "Bundle", let header = root.child("entry")?.child("resource"),
              header.resourceType == "MessageHeader" else { return nil }
        return header.child("event")?.child("code")?.value
    }

    /// The same, read from the direct converter's tokens of the JSON text at `p` (no tree built).
    static func code(tokens t: [JSONToken], text p: [UInt8]) -> String? {
        /// The value token of `key` in the object at `object`, or nil.
        func member(_ key: String, of object: Int) -> Int? {
            guard object < t.count, t[object].kind == .object else { return nil }
            var k = object + 1
            for _ in 0..<Int(t[object].length) {
                guard k + 1 < t.count else { return nil }
                if isString(k, key) { return k + 1 }
                k = Int(t[k + 1].next)
            }
            return nil
        }
        func isString(_ i: Int, _ text: String) -> Bool {
            let token = t[i]
            let l = text.utf8.span
            guard token.kind == .string, token.flags & JSONToken.escaped == 0,
                  Int(token.length) == l.count else { return false }
            for j in l.indices where p[Int(token.start) + j] != l[j] { return false }
            return true
        }
        guard let type = member("resourceType", of: 0), isString(type, "Bundle"),
              let entries = member("entry", of: 0), t[entries].kind == .array, t[entries].length > 0,
              let resource = member("resource", of: entries + 1),
              let headerType = member("resourceType", of: resource), isString(headerType, "MessageHeader"),
              let event = member("event", of: resource), let code = member("code", of: event),
              t[code].kind == .string, t[code].flags & JSONToken.escaped == 0 else { return nil }
        let start = Int(t[code].start)
        return String(decoding: p[start ..< start + Int(t[code].length)], as: UTF8.self)
    }
}
