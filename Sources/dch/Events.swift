import ArgumentParser
import Foundation
import ChildHealthEvents

/// `dch events`: lists the event catalogue.
struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the DCH and NEMS events dch knows (name, family, code, focus resource, profile).",
        discussion: """
            Codes are MessageHeader.event codes; `dch validate` recognises a message's event by code and system.             Every code of the DCH, NEMS and EMS event code systems is listed; those no event page describes are             marked "(no page)" ("page": false in JSON) and get the generic rules only.
            With --rules NAME|CODE (or 'all'), lists instead an event's numbered page rules, each with how dch \
            treats it: checked (and the rule id its findings carry), a mandatory data item checked as \
            event.E-<page>-<n>, or not checkable and why (required-if-recorded, optional, prose).
            """)

    enum Format: String, ExpressibleByArgument { case text, json }

    @Option(name: .long, help: "Output format: text|json.")
    var format: Format = .text

    @Option(name: .long, help: "List the numbered rules of this event (name or code, or 'all') and how dch treats each.")
    var rules: String?

    func run() throws {
        if let rules {
            try listRules(rules)
            return
        }
        let catalogue = try runReportingIssues { try EventCatalogue.shipped() }
        let rows = catalogue.events.map { e in
            Row(name: e.name, family: e.family.rawValue, code: e.eventCode, system: e.eventSystem,
                focus: e.focus?.type, focusProfile: e.focus?.profile, headerProfile: e.messageHeaderProfile,
                messageEventTypes: e.allowedMessageEventTypes.map(\.rawValue), legacy: e.isLegacy, page: e.hasPage)
        }
        switch format {
        case .json:
            try writeJSONLines(rows)
        case .text:
            let table = [["NAME", "FAMILY", "CODE", "FOCUS", "PROFILE"]] + rows.map {
                [$0.name + ($0.legacy ? " (legacy)" : "") + ($0.page ? "" : " (no page)"), $0.family, $0.code, $0.focus ?? "-",
                 ($0.focusProfile ?? $0.headerProfile).components(separatedBy: "/").last ?? "-"]
            }
            FileHandle.standardOutput.write(Data(textTable(table).utf8))
        }
    }

    /// One event, as `--format json` writes it (one object per line).
    struct Row: Encodable {
        var name, family, code, system: String
        var focus, focusProfile: String?
        var headerProfile: String
        var messageEventTypes: [String]
        var legacy: Bool
        /// False for a code of an event code system that no event page describes.
        var page: Bool
    }
}

/// Left-aligned columns separated by two spaces.
func textTable(_ rows: [[String]]) -> String {
    guard let first = rows.first else { return "" }
    let widths = first.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
}
