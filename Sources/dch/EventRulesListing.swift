import ArgumentParser
import Foundation
import FHIRDefinitions
import ChildHealthEvents

extension Events {
    /// `dch events --rules NAME|CODE|all`: each numbered rule of the event page(s) and how dch treats it.
    func listRules(_ query: String) throws {
        let (pack, catalogue) = try runReportingIssues { (try DefinitionPack.shipped(), try EventCatalogue.shipped()) }
        let events: [EventDefinition]
        if query.lowercased() == "all" {
            events = catalogue.events
        } else if let event = catalogue.event(named: query) {
            // A name shared by a DCH and a NEMS event lists both.
            let same = catalogue.events(named: query)
            events = same.count > 1 && catalogue.event(code: query, system: nil) == nil ? same : [event]
        } else {
            printError("error: unknown event '\(query)'; known events: "
                       + catalogue.events.map { "\($0.name) (\($0.eventCode))" }.joined(separator: ", "))
            throw ExitCode(2)
        }
        let classifier = EventRuleClassifier(pack: pack)
        var rows: [RuleRow] = []
        for event in events {
            for classified in classifier.classify(event) {
                rows.append(RuleRow(event: event.eventCode, id: classified.rule.id, text: classified.rule.text,
                                    treatment: classified.treatment.className, rule: classified.treatment.reportingRule,
                                    how: classified.treatment.summary))
            }
        }
        switch format {
        case .json:
            try writeJSONLines(rows)
        case .text:
            var out = ""
            for row in rows { out += "\(row.id): \(row.text)\n    -> \(row.how)\n" }
            let counts = Dictionary(grouping: rows, by: \.treatment).map { "\($0.key) \($0.value.count)" }.sorted()
            out += "\(rows.count) rules: " + counts.joined(separator: ", ") + "\n"
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }

    /// One rule, as `--rules … --format json` writes it (one object per line).
    struct RuleRow: Encodable {
        var event, id, text, treatment: String
        var rule: String?
        var how: String
    }
}
