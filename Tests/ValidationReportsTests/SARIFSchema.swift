import Foundation
import DCHTestSupport

/// The official OASIS SARIF 2.1.0 JSON schema (`../shared/sarif/sarif-schema-2.1.0.json`, or the
/// path in `$SARIF_SCHEMA`), applied by Python's `jsonschema`: an implementation that is not ours.
enum SARIFSchema {
    /// What the check prints for one violation: `$.json.path: message`.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The schema file, or a missing prerequisite.
    static func path() throws -> String {
        if let path = ProcessInfo.processInfo.environment["SARIF_SCHEMA"] {
            guard FileManager.default.fileExists(atPath: path) else {
                throw Prerequisite.missing("SARIF_SCHEMA=\(path) does not exist")
            }
            return path
        }
        let shared = try SharedCorpus.require().appendingPathComponent("sarif/sarif-schema-2.1.0.json").path
        guard FileManager.default.fileExists(atPath: shared) else {
            throw Prerequisite.missing("\(shared) is absent: the official SARIF 2.1.0 schema (oasis-tcs/sarif-spec) belongs there")
        }
        return shared
    }

    /// python3 with `jsonschema`, or a missing prerequisite.
    static func python() throws -> String {
        guard let python = Fixtures.which("python3") else {
            throw Prerequisite.missing("python3 is not installed (the SARIF schema check runs python3 -m jsonschema)")
        }
        guard (try? Fixtures.runTool(python, ["-c", "import jsonschema"]).status) == 0 else {
            throw Prerequisite.missing("python3 lacks jsonschema: python3 -m pip install jsonschema")
        }
        return python
    }

    /// The schema's violations by a SARIF log (empty when it conforms).
    static func violations(of log: [UInt8]) throws -> [String] {
        try violations(of: [log])[0]
    }

    /// The schema's violations by each log, in one Python process (loading the schema is most of
    /// the cost).
    ///
    /// Formats are checked too: `date-time` by jsonschema's own checker, and `uri` /
    /// `uri-reference` (which jsonschema leaves unchecked without optional packages) by RFC 3986's
    /// character set, percent-escapes and, for `uri`, a scheme.
    static func violations(of logs: [[UInt8]]) throws -> [[String]] {
        let schema = try path(), python = try python()
        let files = logs.map { _ in Fixtures.tempFile("sarif") }
        defer { for file in files { try? FileManager.default.removeItem(at: file) } }
        for (log, file) in zip(logs, files) { try Data(log).write(to: file) }
        let result = try Fixtures.runTool(python, ["-c", script, schema] + files.map(\.path))
        guard result.status == 0 || result.status == 1 else {
            throw Failure(description: "the schema check could not run: \(result.stderr)")
        }
        var found = Array(repeating: [String](), count: logs.count)
        for line in result.stderr.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, let index = Int(parts[0]), found.indices.contains(index) else {
                throw Failure(description: "unexpected output of the schema check: \(line)")
            }
            found[index].append(String(parts[1]))
        }
        return found
    }

    private static let script = #"""
        import json, re, sys, jsonschema
        try:
            schema = json.load(open(sys.argv[1], encoding="utf-8"))
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            checker = jsonschema.FormatChecker()
            chars = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
            scheme = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
            @checker.checks("uri-reference")
            def uri_reference(value):
                return not isinstance(value, str) or chars.match(value) is not None
            @checker.checks("uri")
            def uri(value):
                return not isinstance(value, str) or (uri_reference(value) and scheme.match(value) is not None)
            validator = cls(schema, format_checker=checker)
            failed = False
            for index, path in enumerate(sys.argv[2:]):
                doc = json.load(open(path, encoding="utf-8"))
                for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
                    print("%d\t%s: %s" % (index, e.json_path, e.message[:300].replace("\n", " ")), file=sys.stderr)
                    failed = True
        except Exception as e:
            print("%s: %s" % (type(e).__name__, e), file=sys.stderr)
            sys.exit(2)
        sys.exit(1 if failed else 0)
        """#
}
