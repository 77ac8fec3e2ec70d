import Foundation

/// A written HTML report, with the small queries the tests make of it.
struct HTMLPage {
    let text: String

    init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
    }

    /// Non-overlapping occurrences of `needle`.
    func count(_ needle: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    func contains(_ needle: String) -> Bool { text.contains(needle) }

    /// The values of every `name="…"` attribute, in order.
    func attributes(_ name: String) -> [String] {
        matches(#"\s\#(name)="([^"]*)""#)
    }

    /// Every tag name opened or closed on the page, lowercased.
    var tagNames: Set<String> {
        Set(matches(#"</?([A-Za-z][A-Za-z0-9-]*)"#).map { $0.lowercased() })
    }

    /// The element with `id`, from its start tag to the end of its line (elements of the report
    /// that carry ids are written one per line).
    func line(withID id: String) -> String? {
        text.split(separator: "\n").first { $0.contains(" id=\"\(id)\"") }.map(String.init)
    }

    /// First capture group of every match.
    private func matches(_ pattern: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map {
            ns.substring(with: $0.range(at: 1))
        }
    }
}
