import Foundation
import FHIRModel

/// The transforms of the FHIR Mapping Language
/// (http://hl7.org/fhir/R4/codesystem-map-transform.html).
extension MappingRun {
    typealias Place = (parent: TargetNode, element: String, info: MappingChild?)

    /// The values a transform gives (none: nothing is written).
    func run(_ transform: Transform, _ parameters: [Parameter], for place: Place?, in ref: GroupReference,
             _ vars: Variables, ruleSource: MapValue?) throws -> [MapValue] {
        func argument(_ k: Int) throws -> MapValue {
            guard k < parameters.count else { throw MappingFailure("\(transform.rawValue) needs parameter \(k + 1)") }
            return try resolve(parameters[k], vars)
        }
        func text(_ k: Int) throws -> String {
            let value = try argument(k)
            guard let t = value.text else { throw MappingFailure("\(transform.rawValue): parameter \(k + 1) has no value") }
            if case let .source(item) = value { markConsumed(item.path + ".value") }
            return t
        }
        func optionalText(_ k: Int) throws -> String? { k < parameters.count ? try text(k) : nil }

        switch transform {
        case .create:
            let code = try createdType(parameters.isEmpty ? nil : text(0), place: place, ruleSource: ruleSource, map: ref.map)
            return [.target(newNode(code))]
        case .copy:
            // A node stays shared here (`tgtext as vt` aliases); `write` copies it if it is placed twice.
            return [try argument(0)]
        case .truncate:
            let value = try text(0)
            guard let length = Int(try text(1)), length >= 0 else { throw MappingFailure("truncate needs a length") }
            return [.primitive(String(value.prefix(length)), type: try argument(0).typeCode ?? "string")]
        case .escape:
            let value = try text(0)
            return [.primitive(try Escaping.convert(value, from: try text(1), to: optionalText(2) ?? "plain"), type: "string")]
        case .cast:
            let value = try text(0)
            let type = try optionalText(1) ?? "string"
            guard let cast = Casting.cast(value, to: type) else { throw MappingFailure("cannot cast '\(value)' to \(type)") }
            return [.primitive(cast, type: type)]
        case .append:
            var out = ""
            for k in parameters.indices { out += try text(k) }
            return [.primitive(out, type: "string")]
        case .translate:
            return try translate(try argument(0), map: try text(1), output: try optionalText(2) ?? "code", in: ref)
        case .reference:
            let (type, id) = try resourceIdentity(try argument(0))
            return [.primitive(type + "/" + id, type: "string")]
        case .pointer:
            let (_, id) = try resourceIdentity(try argument(0))
            return [.primitive("urn:uuid:" + id, type: "uri")]
        case .uuid:
            return [.primitive(UUID().uuidString.lowercased(), type: "id")]
        case .dateOp:
            return [try dateOperation(try text(0), try text(1), optionalText(2))]
        case .evaluate:
            guard case let .string(expression)? = parameters.last else { throw MappingFailure("evaluate needs an expression") }
            let focus = parameters.count > 1 ? try argument(0) : nil
            let values = try evaluate(expression, focus: focus, vars)
            if values.count > 1, !(place?.info?.repeats ?? true) {
                throw MappingFailure("evaluate '\(expression)' gives \(values.count) values for a single element")
            }
            return values
        case .cc:
            if parameters.count == 1 {
                return [.target(complex("CodeableConcept", [("text", "string", try text(0))]))]
            }
            let coding = complex("Coding", [("system", "uri", try text(0)), ("code", "code", try text(1)),
                                            ("display", "string", try optionalText(2))])
            coding.name = "coding"
            let cc = complex("CodeableConcept", [])
            cc.children = [coding]
            return [.target(cc)]
        case .c:
            return [.target(complex("Coding", [("system", "uri", try text(0)), ("code", "code", try text(1)),
                                               ("display", "string", try optionalText(2))]))]
        case .qty:
            if parameters.count == 1 {
                guard let quantity = QuantityText.parse(try text(0)) else { throw MappingFailure("qty: '\(try text(0))' is not 'value unit'") }
                return [.target(complex("Quantity", [("value", "decimal", quantity.value), ("comparator", "code", quantity.comparator),
                                                     ("unit", "string", quantity.unit)]))]
            }
            return [.target(complex("Quantity", [("value", "decimal", try text(0)), ("unit", "string", try text(1)),
                                                 ("system", "uri", try optionalText(2)), ("code", "code", try optionalText(3))]))]
        case .id:
            let identifier = complex("Identifier", [("system", "uri", try text(0)), ("value", "string", try text(1))])
            if let type = try optionalText(2) {
                let coding = complex("Coding", [("system", "uri", "http://terminology.hl7.org/CodeSystem/v2-0203"), ("code", "code", type)])
                coding.name = "coding"
                let cc = complex("CodeableConcept", [])
                cc.name = "type"
                cc.children = [coding]
                identifier.children.insert(cc, at: 0)
            }
            return [.target(identifier)]
        case .cp:
            let system = parameters.count > 1 ? try text(0) : nil
            let value = try text(parameters.count > 1 ? 1 : 0)
            return [.target(complex("ContactPoint", [("system", "code", system ?? ContactPointSystem.infer(value)), ("value", "string", value)]))]
        }
    }

    private func newNode(_ code: String) -> TargetNode {
        let types = engine.targetTypes ?? engine.sourceTypes
        let isResource = types?.isResource(code) ?? false
        return TargetNode(name: code, type: MappingType(code), resourceType: isResource ? code : nil)
    }

    /// A datatype node with primitive children (nil values left out).
    private func complex(_ code: String, _ parts: [(String, String, String?)]) -> TargetNode {
        let node = TargetNode(name: code, type: MappingType(code))
        for (name, type, value) in parts {
            guard let value else { continue }
            node.children.append(TargetNode(name: name, type: MappingType(type), value: value))
        }
        return node
    }

    /// The type `create` makes: the one named (an alias or URL resolved), else the single declared
    /// type of the target element, else what the `<<type+>>` group of the source's type makes.
    private func createdType(_ named: String?, place: Place?, ruleSource: MapValue?, map: StructureMap) throws -> String {
        if let named { return GroupResolver.typeCode(named, in: map) ?? named }
        let sourceType = ruleSource?.typeCode
        let byGroup = sourceType.flatMap { engine.resolver.targetType(forSource: $0, from: map) }
        if let info = place?.info, !info.isChoice, info.typeCodes.count == 1, let declared = info.typeCodes.first,
           !["Resource", "DomainResource", "*"].contains(declared) {
            // The target types may be another version's approximation: when no default group
            // converts the source type into the declared one, the `<<type+>>` choice wins.
            if let sourceType, let byGroup, byGroup != declared,
               engine.resolver.defaultGroup(source: sourceType, target: declared, from: map) == nil {
                return byGroup
            }
            return declared
        }
        if let byGroup { return byGroup }
        if let sourceType { return sourceType }
        throw MappingFailure("create() cannot tell which type to make")
    }

    /// The resource type and id (a new UUID id is given to a resource that has none).
    private func resourceIdentity(_ value: MapValue) throws -> (String, String) {
        switch value {
        case let .target(node):
            guard let type = node.resourceType else { throw MappingFailure("reference/pointer needs a resource, not \(node.name)") }
            if let id = node.children.first(where: { $0.name == "id" })?.value { return (type, id) }
            let id = UUID().uuidString.lowercased()
            node.children.insert(TargetNode(name: "id", type: MappingType("id"), value: id), at: 0)
            return (type, id)
        case let .source(item):
            guard let type = item.element.resourceType else { throw MappingFailure("reference/pointer needs a resource") }
            return (type, item.element.child("id")?.value ?? UUID().uuidString.lowercased())
        case .primitive:
            throw MappingFailure("reference/pointer needs a resource, not a primitive")
        }
    }

    /// `dateOp(value, op[, argument])`. The R4 specification leaves the operations undefined; we
    /// support the FML IG's conversions: `date` / `toDate` (the date part), `time` / `toTime` (the
    /// time part), `dateTime` / `toDateTime` (the value as a dateTime), `year`.
    private func dateOperation(_ value: String, _ op: String, _ argument: String?) throws -> MapValue {
        switch op {
        case "date", "toDate": return .primitive(String(value.prefix(10)), type: "date")
        case "time", "toTime":
            guard let t = value.firstIndex(of: "T") else { throw MappingFailure("dateOp: '\(value)' has no time") }
            let rest = value[value.index(after: t)...]
            let end = rest.firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) ?? rest.endIndex
            return .primitive(String(rest[..<end]), type: "time")
        case "dateTime", "toDateTime": return .primitive(value, type: "dateTime")
        case "year": return .primitive(String(value.prefix(4)), type: "integer")
        default: throw MappingFailure("dateOp: unknown operation '\(op)'")
        }
    }

    // MARK: translate

    private func translate(_ value: MapValue, map reference: String, output: String, in ref: GroupReference) throws -> [MapValue] {
        guard let table = engine.library.conceptMap(reference, in: ref.map) else {
            throw MappingFailure("translate: no ConceptMap \(reference)")
        }
        // The codes to try: a primitive's code, a Coding's, each of a CodeableConcept's codings.
        var codes: [(system: String?, code: String)] = []
        switch value {
        case let .primitive(v, _): codes = [(nil, v)]
        case let .source(item):
            let e = item.element
            if let v = e.value { codes = [(nil, v)]; markConsumed(item.path + ".value") }
            let codings = e.child("code") != nil ? [e] : e.children(named: "coding")
            for c in codings { if let code = c.child("code")?.value { codes.append((c.child("system")?.value, code)) } }
        case let .target(node):
            if let v = node.value { codes = [(nil, v)] }
            let codings = node.children.contains(where: { $0.name == "code" }) ? [node] : node.children.filter { $0.name == "coding" }
            for c in codings {
                if let code = c.children.first(where: { $0.name == "code" })?.value {
                    codes.append((c.children.first(where: { $0.name == "system" })?.value, code))
                }
            }
        }
        for (system, code) in codes {
            let found: ConceptMapTable.Target?
            do {
                found = try table.translate(code: code, system: system)
            } catch ConceptMapTable.Failure.noMap(let c) {
                throw MappingFailure("translate: \(reference) maps '\(c)' to nothing")
            } catch ConceptMapTable.Failure.ambiguous(let c, let targets) {
                throw MappingFailure("translate: \(reference) maps '\(c)' to several codes: "
                                     + targets.compactMap(\.code).joined(separator: ", "))
            }
            guard let target = found else { continue }
            switch output {
            case "code": return target.code.map { [.primitive($0, type: "code")] } ?? []
            case "system": return target.system.map { [.primitive($0, type: "uri")] } ?? []
            case "display": return target.display.map { [.primitive($0, type: "string")] } ?? []
            case "CodeableConcept":
                let coding = complex("Coding", [("system", "uri", target.system), ("code", "code", target.code), ("display", "string", target.display)])
                coding.name = "coding"
                let cc = complex("CodeableConcept", [])
                cc.children = [coding]
                return [.target(cc)]
            default:
                return [.target(complex("Coding", [("system", "uri", target.system), ("code", "code", target.code),
                                                   ("display", "string", target.display)]))]
            }
        }
        return []
    }
}

/// `cast` conversions between primitive types: the lexical form checked for the target type.
enum Casting {
    static func cast(_ value: String, to type: String) -> String? {
        switch type {
        case "string", "code", "uri", "url", "canonical", "markdown", "id", "oid", "uuid", "base64Binary": return value
        case "integer", "unsignedInt", "positiveInt":
            if let n = Int(value) { return String(n) }
            if let d = Decimal(string: value), d == d.rounded() { return "\(d)" }
            return nil
        case "decimal": return Decimal(string: value) != nil && Double(value) != nil ? value : nil
        case "boolean":
            switch value.lowercased() {
            case "true", "1", "yes", "y", "t": return "true"
            case "false", "0", "no", "n", "f": return "false"
            default: return nil
            }
        case "date", "dateTime", "instant", "time": return value.isEmpty ? nil : value
        default: return nil
        }
    }
}

extension Decimal {
    fileprivate func rounded() -> Decimal {
        rounded(scale: 0)
    }
}

/// `escape(value, from, to)`: a string unescaped from one format and escaped for another
/// (`plain`, `json`, `xml`/`html`, `url`).
enum Escaping {
    static func convert(_ value: String, from: String, to: String) throws -> String {
        try escape(unescape(value, from), to)
    }

    private static func unescape(_ s: String, _ format: String) throws -> String {
        switch format {
        case "plain", "text": return s
        case "json":
            var out = "", escaped = false
            for c in s {
                if escaped {
                    switch c { case "n": out.append("\n"); case "t": out.append("\t"); case "r": out.append("\r"); default: out.append(c) }
                    escaped = false
                } else if c == "\\" { escaped = true } else { out.append(c) }
            }
            return out
        case "xml", "html":
            return s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
        case "url": return s.removingPercentEncoding ?? s
        default: throw MappingFailure("escape: unknown format '\(format)'")
        }
    }

    private static func escape(_ s: String, _ format: String) throws -> String {
        switch format {
        case "plain", "text": return s
        case "json":
            // The content of a JSON string literal, as the JSON writers escape it.
            return String(JSONString.quoted(s).dropFirst().dropLast())
        case "xml", "html":
            return s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "'", with: "&apos;")
        case "url": return s.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?"))) ?? s
        default: throw MappingFailure("escape: unknown format '\(format)'")
        }
    }
}

/// `qty(text)`: `[comparator]value unit` (`<5 mg`, `1.5 'mg'`).
enum QuantityText {
    static func parse(_ text: String) -> (value: String, comparator: String?, unit: String?)? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var comparator: String?
        for c in ["<=", ">=", "<", ">"] where rest.hasPrefix(c) {
            comparator = c
            rest = rest.dropFirst(c.count)
            break
        }
        rest = rest.drop(while: { $0 == " " })
        let number = rest.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
        guard !number.isEmpty, Decimal(string: String(number)) != nil else { return nil }
        var unit = rest.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        if unit.hasPrefix("'") && unit.hasSuffix("'") && unit.count >= 2 { unit = String(unit.dropFirst().dropLast()) }
        return (String(number), comparator, unit.isEmpty ? nil : unit)
    }
}

/// `cp(value)` without a system: the system the value's form shows.
enum ContactPointSystem {
    static func infer(_ value: String) -> String {
        let lower = value.lowercased()
        if lower.hasPrefix("mailto:") || (value.contains("@") && !value.contains(" ")) { return "email" }
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return "url" }
        if lower.hasPrefix("fax:") { return "fax" }
        if value.allSatisfy({ $0.isNumber || " +-()./".contains($0) || lower.hasPrefix("tel:") }) { return "phone" }
        return "other"
    }
}
