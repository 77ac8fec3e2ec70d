import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import FHIRValidation
import FHIRXML
import ChildHealthEvents
import ValidationReports
import MessageStreams

/// What ``MessageChecker`` runs besides layers 1 to 5 (which `ValidationOptions` switches).
public struct CheckOptions: Sendable {
    /// Profiles every resource of their type is checked against, besides those it claims (`--profile`).
    public var profiles: [String] = []
    /// Layer 0: an XML Schema every XML message is also checked against (`--xsd`); nil for none.
    public var schema: XMLSchemaValidator? = nil
    /// The DCH/NEMS event rules (`event.*`) on every message Bundle; on by default.
    public var eventRules: Bool = true
    /// The layers' switches. Its `profiles` are replaced by ``profiles``, and the event rules are
    /// added to its `ruleSets` when ``eventRules`` is on.
    public var validation = ValidationOptions()
    /// The limits messages are read within, when the checker makes its own converter
    /// (``MessageChecker/init(options:)``); a converter handed to the checker keeps its own.
    public var limits = ReadLimits()
    /// The FHIR release every message is checked as (`--fhir-version`); nil: each message's own,
    /// detected (`FHIRVersionDetector`). R4 messages are checked against the R4
    /// part of the pack, without the event rules (STU3 only).
    public var fhirVersion: FHIRVersion? = nil

    /// Every layer and the event rules, no extra profile, no XML Schema, the default limits, the
    /// release detected.
    public init(profiles: [String] = [], schema: XMLSchemaValidator? = nil, eventRules: Bool = true,
                validation: ValidationOptions = ValidationOptions(), limits: ReadLimits = ReadLimits(),
                fhirVersion: FHIRVersion? = nil) {
        self.profiles = profiles
        self.schema = schema
        self.eventRules = eventRules
        self.validation = validation
        self.limits = limits
        self.fhirVersion = fhirVersion
    }
}

/// One message read and checked: its report, and the tree and format when it could be read.
public struct CheckedMessage: Sendable {
    /// The findings, each with the input's name, the message's index and its line:column in the input.
    public var report: MessageReport
    /// The message's element tree; nil when it could not be read.
    public var root: Element?
    /// The format it was read as; nil when it could not be read.
    public var format: MessageFormat?
}

/// The checking pipeline of `dch validate`, `dch inspect` and `dch respond`: read (XML or JSON,
/// detected from content), the optional XML Schema, every validation layer with the requested
/// profiles, the child-health event rules, and the findings placed in their input (file, message
/// index, line:column; NDJSON lines keep the input's line numbers). A vendor calling it gets
/// exactly what the command line reports. Thread-safe: one checker can serve many threads.
///
/// ```swift
/// let checker = try MessageChecker()
/// let report = checker.check(data, name: "message.xml")
/// for issue in report.issues where issue.severity >= .error { print(issue) }
/// ```
public struct MessageChecker: Sendable {
    /// Reads messages (and the definition pack the validator uses).
    public let converter: Converter
    /// Layers 1 to 5, with the event rules as a rule set when on.
    public let validator: Validator
    /// The event catalogue, when the event rules are on.
    public let catalogue: EventCatalogue?
    /// The options it was made with.
    public let options: CheckOptions

    /// A checker over the shipped definition pack (and its R4 part, for R4 messages) and event
    /// catalogue. Throws `IssuesError` when they cannot be found or read, or when a profile of
    /// ``CheckOptions/profiles`` is not in the pack.
    public init(options: CheckOptions = CheckOptions()) throws {
        let stu3 = options.fhirVersion != .r4
        var converter = try Converter(fhirVersion: options.fhirVersion)
        converter.limits = options.limits
        try self.init(converter: converter, catalogue: options.eventRules && stu3 ? EventCatalogue.shipped() : nil,
                      options: options)
    }

    /// A checker over a converter's definition pack and a catalogue (nil: no event rules). When the
    /// converter detects releases, R4 messages are checked with a validator over its R4 pack.
    public init(converter: Converter, catalogue: EventCatalogue?, options: CheckOptions = CheckOptions()) throws {
        self.converter = converter
        // The event rules are DCH/NEMS rules over STU3 definitions.
        self.catalogue = options.eventRules && converter.pack.fhirVersion == .stu3 ? catalogue : nil
        self.options = options
        var validation = options.validation
        validation.profiles = options.profiles
        let r4Validation = validation
        if let catalogue = self.catalogue {
            validation.ruleSets.append(EventRules(catalogue: catalogue, pack: converter.pack))
        }
        validator = Validator(pack: converter.pack, options: validation)
        r4 = R4Validator(converter: converter, options: r4Validation)
        // A --profile is looked for in the pack of the release given, or (when detecting) in either.
        var unknown = try validator.unknownProfiles(options.profiles)
        if !unknown.isEmpty, converter.pack.fhirVersion == .stu3, options.fhirVersion == nil,
           let r4Validator = try? r4.validator() {
            unknown = try r4Validator.unknownProfiles(unknown)
        }
        guard unknown.isEmpty else {
            throw IssuesError(Issue(.fatal, .notSupported, rule: ProfileRule.unknown,
                                    "no such profile in the definition pack: \(unknown.joined(separator: ", "))"))
        }
    }

    /// The R4 validator, made on the first R4 message.
    private let r4: R4Validator

    /// The report of the message in `data` (one message; see ``checkInput(_:name:)`` for NDJSON).
    /// Never throws: a message that cannot be read is reported with its reading errors.
    public func check(_ data: Data, name: String) -> MessageReport {
        checkMessage(data, name: name).report
    }

    /// The reports of every message of an input: one, one per line of an NDJSON input, or one per
    /// message of a stream of XML or JSON messages.
    public func checkInput(_ data: Data, name: String) -> [MessageReport] {
        var reports: [MessageReport] = []
        forEachMessage(in: data, name: name) { checked, _ in reports.append(checked.report) }
        return reports
    }

    /// Checks the messages of an input one at a time, in order, handing each with its bytes and
    /// line to `body` (which may keep or drop them: nothing of a message is held after its call).
    public func forEachMessage(in data: Data, name: String,
                               _ body: (CheckedMessage, InputMessages.Message) throws -> Void) rethrows {
        for (index, message) in InputMessages.split(data).enumerated() {
            try body(checkMessage(message, name: name, index: index), message)
        }
    }

    /// One message of an input read and checked, with its tree; a message too large to be kept
    /// is reported as such.
    public func checkMessage(_ message: InputMessages.Message, name: String, index: Int,
                             limit: Int = MessageFramer.defaultMaximumMessageBytes) -> CheckedMessage {
        guard let skipped = message.skippedByteCount else {
            return checkMessage(message.bytes, name: name, index: index, line: message.line, column: message.column)
        }
        var checked = CheckedMessage(report: MessageReport(file: name, index: index), root: nil, format: nil)
        checked.report.issues = [InputMessages.tooLargeIssue(skipped, limit: limit)]
        InputMessages.place(&checked.report.issues, file: name, index: index, line: message.line, column: message.column)
        return checked
    }

    /// One message read and checked, with its tree. `index`, `line` and `column` place it in its
    /// input (see ``InputMessages/place(_:file:index:line:column:)``).
    public func checkMessage(_ data: Data, name: String, index: Int = 0, line: Int? = nil, column: Int = 1) -> CheckedMessage {
        var checked = CheckedMessage(report: MessageReport(file: name, index: index), root: nil, format: nil)
        do {
            let decoded = try converter.read(data)
            let format = decoded.format
            checked.root = decoded.root
            checked.format = format
            checked.report.resourceType = decoded.root.resourceType
            checked.report.id = decoded.root.child("id")?.value
            let detection = converter.detection(of: decoded.root)
            var release: [Issue] = []
            var validator = self.validator
            if detection.version == .r4, validator.pack.fhirVersion != .r4 {
                validator = try r4.validator()
            }
            if detection.version == .r4 {
                release = [Issue(.information, .informational, rule: ReadingRule.fhirVersion,
                    "checked as FHIR R4 (\(detection.reason)) against R4 core 4.0.1 and UK Core; "
                    + "the DCH/NEMS event rules are STU3 only and were not run")]
            }
            checked.report.issues = decoded.issues + release + schemaIssues(data, format: format)
                + validator.validate(decoded.root, syntax: format)
        } catch let error as IssuesError {
            checked.report.issues = error.issues
        } catch {
            checked.report.issues = [Issue(.fatal, .processing, rule: ReadingRule.read, "cannot read: \(error.localizedDescription)")]
        }
        InputMessages.place(&checked.report.issues, file: name, index: index, line: line, column: column)
        return checked
    }

    /// Layer 0: the XML Schema's issues for an XML message; one information issue for a JSON one.
    private func schemaIssues(_ data: Data, format: MessageFormat) -> [Issue] {
        guard let schema = options.schema else { return [] }
        guard format == .xml else {
            return [Issue(.information, .informational, rule: SchemaRule.notApplicable,
                          "not checked against the XML Schema (--xsd): the message is JSON")]
        }
        return schema.validate(data)
    }
}

/// The validator of R4 messages for a checker that detects releases: over the converter's R4
/// pack, made once, on first need (an STU3-only run never opens the R4 pack).
private final class R4Validator: @unchecked Sendable {
    private let converter: Converter
    private let options: ValidationOptions
    private let lock = NSLock()
    private var made: Result<Validator, Error>?

    init(converter: Converter, options: ValidationOptions) {
        self.converter = converter
        self.options = options
    }

    func validator() throws -> Validator {
        try lock.withLock {
            if let made { return made }
            let result = Result { Validator(pack: try converter.converter(for: .r4).pack, options: options) }
            made = result
            return result
        }.get()
    }
}
