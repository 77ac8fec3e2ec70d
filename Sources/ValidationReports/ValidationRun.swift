import FHIRModel

/// What validation found in one message of one input.
///
/// An input file usually holds one message; an NDJSON file holds one per line, and ``index`` tells
/// them apart (0-based, in input order).
public struct MessageReport: Sendable, Hashable {
    /// The input the message came from (a path as given, or `-` for stdin).
    public var file: String
    /// The message's index within its input (0-based).
    public var index: Int
    /// The root resource's type, when the message could be read.
    public var resourceType: String?
    /// The root resource's `id`, when it has one.
    public var id: String?
    /// Everything found in the message, reading problems included, in the order found.
    public var issues: [Issue]
    /// The message's text, kept only for reports that show it (HTML); nil otherwise.
    public var source: MessageSource?

    /// A report of one message.
    public init(file: String, index: Int = 0, resourceType: String? = nil, id: String? = nil, issues: [Issue] = [],
                source: MessageSource? = nil) {
        self.file = file
        self.index = index
        self.resourceType = resourceType
        self.id = id
        self.issues = issues
        self.source = source
    }

    /// The worst severity among the issues; nil when there are none.
    public var worstSeverity: Severity? { issues.map(\.severity).max() }

    /// Errors, fatal ones included.
    public var errorCount: Int { issues.filter { $0.severity >= .error }.count }
    /// Warnings.
    public var warningCount: Int { issues.filter { $0.severity == .warning }.count }
    /// Information issues.
    public var informationCount: Int { issues.filter { $0.severity == .information }.count }

    /// True when the message fails under `threshold`.
    public func fails(_ threshold: FailureThreshold) -> Bool {
        guard let worst = worstSeverity else { return false }
        return worst >= threshold.severity
    }

    /// A short name for the message: `file#index ResourceType/id` (type and id when known).
    public var label: String {
        var s = "\(file)#\(index)"
        if let resourceType { s += " \(resourceType)" + (id.map { "/\($0)" } ?? "") }
        return s
    }
}

/// The least severity that makes a message fail (`--fail-on`).
public enum FailureThreshold: String, Sendable, CaseIterable {
    /// Errors and fatal issues fail a message (the default).
    case error
    /// Warnings fail it too.
    case warning

    /// The least failing severity.
    public var severity: Severity { self == .error ? .error : .warning }
}

/// The result of one `dch validate` run: every message of every input, in input order.
public struct ValidationRun: Sendable, Hashable {
    /// One report per message, in input order.
    public var messages: [MessageReport]

    /// A run over these messages.
    public init(messages: [MessageReport] = []) {
        self.messages = messages
    }

    /// All issues of all messages, in order.
    public var issues: [Issue] { messages.flatMap(\.issues) }

    /// Number of issues of exactly `severity`.
    public func count(_ severity: Severity) -> Int {
        messages.reduce(0) { $0 + $1.issues.filter { $0.severity == severity }.count }
    }

    /// Errors, fatal ones included.
    public var errorCount: Int { count(.fatal) + count(.error) }
    /// Warnings.
    public var warningCount: Int { count(.warning) }
    /// Information issues.
    public var informationCount: Int { count(.information) }

    /// True when any message fails under `threshold` (the exit status 1 of `dch validate`).
    public func fails(_ threshold: FailureThreshold) -> Bool {
        messages.contains { $0.fails(threshold) }
    }

    /// The input files in first-seen order, each with its messages in order.
    public var files: [(file: String, messages: [MessageReport])] {
        var order: [String] = []
        var byFile: [String: [MessageReport]] = [:]
        for m in messages {
            if byFile[m.file] == nil { order.append(m.file) }
            byFile[m.file, default: []].append(m)
        }
        return order.map { ($0, byFile[$0]!) }
    }

    /// The summary line: `3 messages, 2 errors, 1 warning, 0 information`.
    public var summary: String { RunTotals(self).summary }
}

/// `1 error`, `2 errors`.
func plural(_ n: Int, _ word: String) -> String {
    "\(n) \(word)\(n == 1 ? "" : "s")"
}
