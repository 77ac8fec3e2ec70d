import FHIRModel

/// The SARIF 2.1.0 report, in the subset GitHub code scanning reads.
///
/// One run whose `tool.driver` is dch (name, `informationUri`, `version`, and a `rules` entry, with
/// `shortDescription`, for every rule id that has a result, sorted by id). One result per issue,
/// in input order:
/// - `ruleId`/`ruleIndex`, `level` (`error` for fatal and error, `warning`, `note` for information),
///   `message.text`;
/// - `locations[0].physicalLocation`: `artifactLocation.uri` (the input path made relative to
///   ``baseDirectory``, percent-encoded; `file://` for a path outside it; `stdin` for `-`) and a
///   `region` with `startLine` and `startColumn`. GitHub needs a `startLine` on every result, so a
///   result without a known position points at line 1 (and has no `startColumn`, nor has a result
///   whose column is not known);
/// - `locations[0].logicalLocations[0].fullyQualifiedName`: the FHIRPath location, when known;
/// - `properties`: the message index, resource type and id, and the OperationOutcome issue type.
///
/// Output is pretty-printed JSON with members in a fixed order, so the same run gives the same bytes.
public struct SARIFReportWriter: ValidationReportWriter {
    /// The `$schema` written.
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
    /// The default `informationUri`: a placeholder in the reserved `example.org` domain until the
    /// project has a public address.
    public static let defaultInformationURI = "https://dch.example.org/"
    /// Where people learn about dch (`tool.driver.informationUri`).
    public var informationURI: String
    /// `tool.driver.version`.
    public var toolVersion: String
    /// The folder that relative artifact URIs start from (normally the current directory); nil
    /// leaves relative paths as they are and absolute ones as `file://` URIs.
    public var baseDirectory: String?
    /// What each rule checks, by rule id (e.g. `MessageChecking`'s `ValidationRules`), for the
    /// rules' `shortDescription`; a rule without one is described by its id and issue type.
    public var ruleSummaries: [String: String]

    /// A SARIF writer.
    public init(toolVersion: String, baseDirectory: String? = nil,
                informationURI: String = SARIFReportWriter.defaultInformationURI,
                ruleSummaries: [String: String] = [:]) {
        self.toolVersion = toolVersion
        self.baseDirectory = baseDirectory
        self.informationURI = informationURI
        self.ruleSummaries = ruleSummaries
    }

    public func write(_ run: ValidationRun) throws -> [UInt8] {
        let rules = Self.rules(run, summaries: ruleSummaries)
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        var results: [JSONText] = []
        for message in run.messages {
            for issue in message.issues {
                results.append(result(issue, in: message, ruleIndex: ruleIndex[issue.rule]!))
            }
        }
        let driver: JSONText = .object([
            ("name", .string("dch")),
            ("informationUri", .string(informationURI)),
            ("version", .string(toolVersion)),
            ("rules", .array(rules.map { rule in
                .object([
                    ("id", .string(rule.id)),
                    ("shortDescription", .object([("text", .string(rule.description))])),
                    ("defaultConfiguration", .object([("level", .string(Self.level(rule.severity)))])),
                ])
            })),
        ])
        let log: JSONText = .object([
            ("$schema", .string(Self.schemaURI)),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", driver)])),
                ("results", .array(results)),
            ])])),
        ])
        return Array((log.rendered(pretty: true) + "\n").utf8)
    }

    /// The SARIF level of a severity.
    public static func level(_ severity: Severity) -> String {
        switch severity {
        case .fatal, .error: return "error"
        case .warning: return "warning"
        case .information: return "note"
        }
    }

    private func result(_ issue: Issue, in message: MessageReport, ruleIndex: Int) -> JSONText {
        // The schema's minimum for both is 1: a line or column not known (0) is left out.
        let position = issue.position.flatMap { $0.line >= 1 ? $0 : nil }
        var region: [(String, JSONText)] = [("startLine", .int(Int(position?.line ?? 1)))]
        if let p = position, p.column >= 1 { region.append(("startColumn", .int(Int(p.column)))) }
        var location: [(String, JSONText)] = [
            ("physicalLocation", .object([
                ("artifactLocation", .object([("uri", .string(artifactURI(issue.file ?? message.file)))])),
                ("region", .object(region)),
            ])),
        ]
        if let path = issue.path {
            location.append(("logicalLocations", .array([.object([("fullyQualifiedName", .string(path))])])))
        }
        var properties: [(String, JSONText)] = [("messageIndex", .int(issue.messageIndex ?? message.index))]
        if let t = message.resourceType { properties.append(("resourceType", .string(t))) }
        if let id = message.id { properties.append(("resourceId", .string(id))) }
        properties.append(("issueType", .string(issue.type.rawValue)))
        return .object([
            ("ruleId", .string(issue.rule)),
            ("ruleIndex", .int(ruleIndex)),
            ("level", .string(Self.level(issue.severity))),
            ("message", .object([("text", .string(issue.message))])),
            ("locations", .array([.object(location)])),
            ("properties", .object(properties)),
        ])
    }

    /// Every rule with a result, sorted by id: its worst severity and a description.
    static func rules(_ run: ValidationRun, summaries: [String: String] = [:]) -> [(id: String, severity: Severity, description: String)] {
        var worst: [String: Severity] = [:]
        var type: [String: IssueType] = [:]
        for issue in run.issues {
            worst[issue.rule] = max(worst[issue.rule] ?? issue.severity, issue.severity)
            if type[issue.rule] == nil { type[issue.rule] = issue.type }
        }
        return worst.keys.sorted().map { id in
            (id, worst[id]!, summaries[id] ?? "dch rule \(id) (\(type[id]!.rawValue))")
        }
    }

    /// The artifact URI of an input path.
    func artifactURI(_ file: String) -> String {
        if file == "-" || file == "<stdin>" { return "stdin" }
        var path = file
        if let base = baseDirectory.map(Self.normalized), path.hasPrefix("/") {
            let prefix = base.hasSuffix("/") ? base : base + "/"
            if Self.normalized(path).hasPrefix(prefix) { path = String(Self.normalized(path).dropFirst(prefix.count)) }
        }
        if path.hasPrefix("./") { path.removeFirst(2) }
        let encoded = Self.percentEncoded(path)
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }

    /// A path without `.` steps and repeated slashes.
    static func normalized(_ path: String) -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    /// A path with every byte but unreserved characters and `/` percent-encoded.
    static func percentEncoded(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-._~/".contains(c) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    /// Left-padded with zeros to `width`.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
