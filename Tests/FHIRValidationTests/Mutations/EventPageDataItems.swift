import Foundation
import DCHTestSupport

/// The mandatory data items the DCH and NEMS event pages name, as `Profile.item` (the profile's
/// name and the element or slice the page points to: `CareConnect-DCH-Immunization-1.vaccinationProcedure`),
/// read from the spec digest `../shared/spec/EVENTS.md`. The event rules check each, so kinds aimed
/// at another rule keep away from them.
struct EventPageDataItems {
    private let items: Set<String>

    init(sharedRoot: URL) throws {
        let url = sharedRoot.appendingPathComponent("spec/EVENTS.md")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw Prerequisite.missing("\(url.path) (the event pages' digest) is absent")
        }
        var items = Set<String>()
        // "Mandatory data item 'Name of Immunisation' -> CareConnect-DCH-Immunization-1.vaccinationProcedure (…"
        for line in text.split(separator: "\n") {
            guard let arrow = line.range(of: "Mandatory data item '"), let target = line[arrow.upperBound...].range(of: "' -> ")
            else { continue }
            let reference = line[target.upperBound...].prefix { !$0.isWhitespace && $0 != "(" && $0 != "," }
            let parts = reference.split(separator: ".")
            if parts.count >= 2 { items.insert(parts[0] + "." + parts[1]) }
        }
        self.items = items
    }

    /// True when an event page names this element or slice of the profile with this url.
    func contains(profile url: String, item: String) -> Bool {
        guard let name = url.split(separator: "/").last else { return false }
        return items.contains(name + "." + item)
    }

    var count: Int { items.count }
}
