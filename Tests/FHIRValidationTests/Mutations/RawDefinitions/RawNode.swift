import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A definition resource (StructureDefinition, ValueSet, CodeSystem) as written in its file,
/// untyped: FHIR XML and FHIR JSON both come out as named nodes with an optional primitive value.
///
/// Read with Foundation's `XMLParser` and `JSONSerialization`, not with dch's codecs, its
/// importer or its pack: the mutation catalogue places defects from what the official files say,
/// so that a fault in dch's own reading of them cannot hide behind the test.
final class RawNode {
    let name: String
    var value: String?
    var children: [RawNode] = []

    init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// The children with this name, in order (a repeating element is a run of them, as in XML).
    func all(_ name: String) -> [RawNode] { children.filter { $0.name == name } }
    func first(_ name: String) -> RawNode? { children.first { $0.name == name } }
    /// The value of the first child with this name.
    func string(_ name: String) -> String? { first(name)?.value }
    /// The first child whose name is `prefix` followed by a type (`fixedUri` for `fixed`).
    func choice(_ prefix: String) -> RawNode? {
        children.first { $0.name.hasPrefix(prefix) && $0.name.count > prefix.count && $0.name.dropFirst(prefix.count).first!.isUppercase }
    }

    /// Reads a definition file, XML or JSON (told by its first significant byte).
    static func read(_ data: Data) throws -> RawNode {
        // Whitespace and a UTF-8 byte-order mark (EF BB BF) may come first.
        guard let first = data.first(where: { !" \t\r\n\u{FEFF}".utf8.contains($0) })
        else { throw RawDefinitionError.unreadable("empty file") }
        return first == UInt8(ascii: "{") ? try readJSON(data) : try readXML(data)
    }

    /// FHIR JSON: properties become children (an array one child per item), `resourceType`
    /// names the root; primitive extensions (`_name`) are not needed here and are dropped.
    static func readJSON(_ data: Data) throws -> RawNode {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RawDefinitionError.unreadable("the JSON is not an object")
        }
        return node(named: object["resourceType"] as? String ?? "", from: object)
    }

    private static func node(named name: String, from object: [String: Any]) -> RawNode {
        let result = RawNode(name: name)
        for (key, value) in object.sorted(by: { $0.key < $1.key }) where !key.hasPrefix("_") && key != "resourceType" {
            for item in (value as? [Any]) ?? [value] {
                if let child = item as? [String: Any] {
                    result.children.append(node(named: key, from: child))
                } else {
                    result.children.append(RawNode(name: key, value: scalar(item)))
                }
            }
        }
        return result
    }

    private static func scalar(_ value: Any) -> String {
        if let string = value as? String { return string }
        if let bool = value as? Bool, type(of: value) == Bool.self { return bool ? "true" : "false" }
        if let number = value as? NSNumber {
            // JSONSerialization may hand booleans over as NSNumbers.
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        }
        return "\(value)"
    }

    /// FHIR XML: the `value` attribute is the value; `url` and `id` attributes become children;
    /// narrative XHTML and definitions' prose are skipped.
    static func readXML(_ data: Data) throws -> RawNode {
        let builder = XMLTreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw RawDefinitionError.unreadable(parser.parserError.map { "\($0)" } ?? "no root element")
        }
        return root
    }
}

/// A definition file that cannot be read or found.
enum RawDefinitionError: Error, CustomStringConvertible {
    case unreadable(String)
    case notFound(String)

    var description: String {
        switch self {
        case let .unreadable(why): return "unreadable definition: \(why)"
        case let .notFound(url): return "no definition with url \(url) in ../shared"
        }
    }
}

/// Builds ``RawNode``s from `XMLParser` events.
private final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    var root: RawNode?
    private var stack: [RawNode] = []
    /// Depth inside an element whose content no reader here needs: narrative XHTML, and the
    /// prose and mappings of element definitions (most of a profile's bytes).
    private var skipping = 0
    private static let skipped: Set<String> = ["div", "mapping", "short", "definition", "comment", "requirements",
                                               "alias", "meaningWhenMissing", "example", "description", "human", "xpath"]

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if skipping > 0 || Self.skipped.contains(name) {
            skipping += 1
            return
        }
        let node = RawNode(name: name, value: attributes["value"])
        for attribute in ["id", "url"] {
            if let v = attributes[attribute] { node.children.append(RawNode(name: attribute, value: v)) }
        }
        if let parent = stack.last { parent.children.append(node) } else { root = node }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if skipping > 0 {
            skipping -= 1
            return
        }
        stack.removeLast()
    }
}
