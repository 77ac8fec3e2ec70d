import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion
import EventMapping

/// The edge CSV -> events of `dch map`: each row's `event_code` picks the mapping; each row
/// becomes one event message, written as it is made.
enum MapCSVToEvents {
    static func run(_ command: MapCommand) throws {
        let engine = try command.engine(kind: "csv")
        let converter = try runReportingIssues { try Converter() }
        let format: Generate.OutputFormat = command.to == .xml ? .xml : (command.to == .json ? .json : .ndjson)
        var writer = try MessageWriter(format: format, output: command.output, defects: false)
        var exit = ExitStatus()
        var index = 0
        for path in command.inputPaths {
            let rows: CSVRowReader
            do {
                rows = try CSVRowReader(path: path)
            } catch {
                printError("error: \(error)")
                exit.record(.ioError)
                continue
            }
            guard rows.header.contains("event_code") else {
                printError("\(rows.name): error: no event_code column: it says which event each row is (see `dch map --describe csv`)")
                exit.record(.failed)
                continue
            }
            for row in rows {
                guard let code = row.value(at: "event_code")?.text else {
                    printError("\(row.location): error: no value for event_code")
                    exit.record(.failed)
                    continue
                }
                guard let mapping = engine.mappings.mapping(eventCode: code, system: nil) else {
                    printError("\(row.location): error: no CSV mapping for event '\(code)'; mapped events: \(engine.mappings.eventCodes.joined(separator: ", "))")
                    exit.record(.failed)
                    continue
                }
                do {
                    let mapped = try engine.message(from: row, mapping: mapping)
                    if command.report, !mapped.unusedPositions.isEmpty {
                        printError("\(row.location): unused columns: \(mapped.unusedPositions.joined(separator: ", "))")
                    }
                    try writer.write(mapped.message, index: index, event: mapped.event, defects: [], converter: converter)
                    index += 1
                } catch let error as MappingError {
                    printError(error.description)
                    exit.record(.failed)
                } catch {
                    printError("\(row.location): error: \(error)")
                    exit.record(.ioError)
                }
            }
            if let error = rows.error {
                printError("\(rows.name): error: the CSV cannot be read past row \(index + 1): \(error)")
                exit.record(.ioError)
            }
        }
        do { try writer.finish() } catch {
            printError("error: \(error)")
            exit.record(.ioError)
        }
        try exit.finish()
    }
}
