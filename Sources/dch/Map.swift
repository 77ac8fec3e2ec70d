import ArgumentParser
import Foundation
import FHIRDefinitions
import ChildHealthEvents
import EventMapping
import FHIRPath

/// `dch map`: maps between event messages and other formats with the declarative mapping files,
/// and checks FHIR Mapping Language maps (`--check`, ``MapCheck``). Each (from, to) pair is an edge
/// with its own file (`MapEventsToCSV`, `MapCSVToEvents`); a new source or target adds a case to
/// ``edge`` and a file.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Map DCH/NEMS event messages to and from flat CSV extracts, and HL7 v2 feeds to event messages, with declarative mapping files; move messages between FHIR STU3 and R4 with the official maps; check FHIR Mapping Language maps.",
        discussion: """
            Events to CSV (--from xml|json|ndjson --to csv): one row per message, the columns of the \
            message's event (see --describe csv); the rows of one event type share a header. With -o DIR \
            each event type gets its own file DIR/EVENTCODE.csv; on stdout or -o FILE all messages must be \
            of one event type (a message of another is an error; use -o DIR). Messages are read and rows \
            written one at a time (flat memory).
            CSV to events (--from csv --to xml|json|ndjson): each row's event_code column picks the \
            mapping; each row becomes one complete event message, its ids derived from the row (the same \
            row gives the same message). ndjson writes one message per line; xml and json write messages \
            back to back on stdout, or one file per row into -o DIR. A row lacking a needed column is an \
            error naming the columns and the row; the other rows still map. --report lists, per row, the \
            columns no mapping field reads.
            HL7 v2 to events (--from hl7v2 --to xml|json|ndjson): every message of every input (one, many \
            back to back, FHS/BHS batches, MLLP frames) is mapped by the first hl7v2 mapping whose when: \
            conditions it meets (VXU^V04, ADT^A01/A03/A04/A08/A28/A31, ORU^R01), one event per item (per RXA \
            of a VXU); a message no mapping takes, or lacking a needed field, is an error naming the message \
            (index and MSH-10) and the field, and the others still map. --report lists per message every \
            populated field position (PID-3[1].4.1) no mapping field read. --ack FILE|DIR writes an ACK per \
            message: AA, or AE/AR with ERR segments naming what failed. Inputs are read a chunk at a time and \
            each message's events are written as soon as the message is complete (flat memory; usable as a \
            filter in a pipe); --max-bytes is the longest message read, a longer one is an error and skipped.
            --describe csv|hl7v2 prints the field dictionary of every mapping of that kind. --mappings DIR uses an \
            integrator's mapping files (DIR/csv/*.yaml, DIR/hl7v2/*.yaml) instead of the shipped ones.
            STU3 <-> R4 (--from stu3 --to r4, --from r4 --to stu3): each input (a message Bundle or a \
            single resource, XML or JSON) is mapped with the official HL7 cross-version maps shipped with \
            dch (fixed where they lose data; README, "dch map"), typed and written as the target release. \
            --map FILE|URL adds an integrator's FML map or StructureMap, or replaces the map of the same \
            URL or resource type (e.g. the shipped NHS England map \
            http://hl7.org/fhir/StructureMap/AllergyIntolerance3to4, CareConnect -> UK Core). Output: \
            --format, else the extension of -o FILE, else the input's format; several inputs need -o DIR. \
            stderr counts the input elements no rule carried over; --report lists each (path and kind).
            --check FILE... parses FHIR Mapping Language maps (FML, Markdown with an FML block, or \
            StructureMap JSON/XML) and reports every syntax or reference error (unknown variable, group, \
            conceptmap; wrong argument count) as FILE:LINE:COL: error: message, on stderr; imports are \
            resolved against the other maps given and the .fml files beside each map.
            Exit codes: 0 all mapped (no map errors); 1 some message or row could not be mapped (the \
            others still are), or a map has errors; 2 usage, mapping-file or I/O error.
            """
    )

    /// The formats `dch map` reads and writes.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case xml, json, ndjson, csv, hl7v2
        /// FHIR releases: `--from stu3 --to r4` and back (``MapFHIRVersions``).
        case stu3, r4

        /// An event message format (as opposed to a mapped format or a release).
        var isMessage: Bool { self == .xml || self == .json || self == .ndjson }
    }

    @Option(name: .long, help: "Input format: xml, json, ndjson (event messages), csv or hl7v2.")
    var from: Format?

    @Option(name: .long, help: "Output format: csv, or xml, json, ndjson (event messages).")
    var to: Format?

    @Flag(name: .long, help: "List on stderr what each input record had that the mapping did not use.")
    var report = false

    @Option(name: [.short, .customLong("output")], help: "Output file, or folder (one CSV per event type; one message file per row).")
    var output: String?

    @Option(name: .long, help: ArgumentHelp("With --from hl7v2: write an ACK (AA, AE or AR) per input message, all into FILE or one file per message into DIR/.",
                                           valueName: "FILE|DIR"))
    var ack: String?

    @Option(name: .long, help: "A folder of mapping files (KIND/*.yaml) to use instead of the shipped ones.")
    var mappings: String?

    @Option(name: .long, help: "Print the column dictionary of a mapping kind (csv) and stop.")
    var describe: String?

    @Option(name: .long, help: ArgumentHelp("Draft the mapping file of an event (--event CODE|all) from the event catalogue and the definition pack, and stop.",
                                           valueName: "csv"))
    var draft: String?

    @Option(name: .long, help: ArgumentHelp("With --draft: the event's code (dch events), or all (with -o DIR: a file per event not yet in DIR).",
                                           valueName: "CODE|all"))
    var event: String?

    @OptionGroup var release: ReleaseMapOptions

    @Flag(name: .long, help: "Parse FHIR Mapping Language maps (the inputs) and report syntax and reference errors.")
    var check = false

    @OptionGroup var limit: MessageLimitOption

    @Argument(help: "Input files; '-' or none for stdin.")
    var inputs: [String] = []

    func validate() throws {
        if check {
            guard !inputs.isEmpty else { throw ValidationError("give at least one map file") }
            return
        }
        if describe != nil { return }
        if let draft {
            guard draft == "csv" else { throw ValidationError("--draft drafts csv mappings (--draft csv)") }
            guard let event else { throw ValidationError("--draft csv needs --event CODE (or all, with -o DIR)") }
            if event == "all", output == nil { throw ValidationError("--draft csv --event all needs -o DIR") }
            return
        }
        guard let from, let to else { throw ValidationError("--from and --to are needed (or --describe csv)") }
        guard Self.edge(from, to) != nil else {
            throw ValidationError("no mapping from \(from.rawValue) to \(to.rawValue); supported: xml|json|ndjson -> csv, csv|hl7v2 -> xml|json|ndjson, stu3 -> r4, r4 -> stu3")
        }
        if ReleaseMapOptions.direction(from, to) != nil { try release.validate(inputs: inputs, output: output) }
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("stdin ('-') can be read only once") }
        if ack != nil, from != .hl7v2 { throw ValidationError("--ack is for --from hl7v2 (an HL7 v2 ACK per input message)") }
    }

    /// The function that maps one (from, to) pair, or nil when no edge joins them.
    static func edge(_ from: Format, _ to: Format) -> ((MapCommand) throws -> Void)? {
        switch (from, to) {
        case (let f, .csv) where f.isMessage: return MapEventsToCSV.run
        case (.csv, let t) where t.isMessage: return MapCSVToEvents.run
        case (.stu3, .r4), (.r4, .stu3): return MapFHIRVersions.run
        case (.hl7v2, let t) where t.isMessage: return MapHL7v2ToEvents.run
        default: return nil
        }
    }

    func run() throws {
        if check {
            if !MapCheck.run(inputs) { throw ExitCode(1) }
            return
        }
        if let kind = describe {
            try MapDescribe.run(kind: kind, command: self)
            return
        }
        if draft != nil {
            try MapDraft.run(event: event!, output: output)
            return
        }
        try Self.edge(from!, to!)!(self)
    }

    /// The inputs as given (stdin when none).
    var inputPaths: [String] { inputs.isEmpty ? ["-"] : inputs }

    /// The mapping engine of a kind, with the shipped or the given mapping files; a faulty mapping
    /// file ends the run (exit 2) naming file, line:column and key.
    func engine(kind: String) throws -> EventMappingEngine {
        let (pack, events) = try runReportingIssues { (try DefinitionPack.shipped(), try EventCatalogue.shipped()) }
        do {
            return try EventMappingEngine(kind: kind, folder: mappings.map { URL(fileURLWithPath: $0) }, pack: pack, events: events)
        } catch let error as MappingFileError {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}

/// `dch map --describe KIND`: the column dictionary of every mapping of a kind.
enum MapDescribe {
    static func run(kind: String, command: MapCommand) throws {
        let engine = try command.engine(kind: kind)
        var out = ""
        for mapping in engine.mappings.mappings {
            let event = engine.events.event(code: mapping.eventCode, system: mapping.eventSystem)
            out += "\(mapping.eventCode) - \(event?.name ?? "") (\(event?.family.rawValue ?? "")): \(mapping.name)\n"
            out += "  \(mapping.description)\n"
            out += mapping.missingInputs.isEmpty ? "  Rows map back to event messages.\n"
                : "  Rows do not map back: nothing gives \(mapping.missingInputs.joined(separator: ", ")).\n"
            let width = max(24, (mapping.fields.map(\.source.count).max() ?? 0) + 2)
            for field in mapping.fields {
                let name = field.source + String(repeating: " ", count: max(1, width - field.source.count))
                let target = field.target.map { " -> " + $0.text } ?? " (written only)"
                out += "  \(name)\(field.description)\(field.required ? " Required." : "")\(target)\n"
            }
            out += "\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

/// `dch map --draft csv --event CODE|all`: drafts CSV mapping files (``CSVMappingDrafter``).
enum MapDraft {
    static func run(event code: String, output: String?) throws {
        let (pack, events) = try runReportingIssues { (try DefinitionPack.shipped(), try EventCatalogue.shipped()) }
        let drafter: CSVMappingDrafter
        do {
            let catalogue = try MappingCatalogue(kind: "csv", fhirpath: FHIRPathEngine(pack: pack), events: events)
            drafter = try CSVMappingDrafter(pack: pack, catalogue: catalogue)
        } catch let error as MappingFileError {
            printError(error.description)
            throw ExitCode(2)
        }
        guard code == "all" else {
            guard let event = events.event(code: code, system: nil) ?? events.event(named: code) else {
                printError("error: '\(code)' is not an event of the catalogue (see dch events)")
                throw ExitCode(2)
            }
            let text = drafter.draft(event)
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                    printError("error: cannot write \(output)")
                    throw ExitCode(2)
                }
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            return
        }
        // Every event without a file in the folder: hand-kept files stay as they are.
        let folder = URL(fileURLWithPath: output!)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let present = Set((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        var written = 0
        for event in events.events where !present.contains(event.eventCode + ".yaml") {
            let url = folder.appendingPathComponent(event.eventCode + ".yaml")
            guard FileManager.default.createFile(atPath: url.path, contents: Data(drafter.draft(event).utf8)) else {
                printError("error: cannot write \(url.path)")
                throw ExitCode(2)
            }
            written += 1
        }
        printError("\(written) mapping files drafted in \(folder.path)")
    }
}
