import XCTest
import FHIRModel
import FHIRDefinitions
import ChildHealthEvents
import EventBuilder
import DCHTestSupport

/// Every checked mandatory data item of every event: removed from a valid generated message, its
/// absence is found as `event.E-<page>-<n>` and nothing else new appears.
final class GeneratedDataItemMutationTests: XCTestCase {
    func testRemovingEachMandatoryDataItemIsFound() throws {
        let pack = try XCTUnwrap(try? DefinitionPack.shipped(), "the shipped definition pack (Schemas/) is absent")
        let catalogue = try EventCatalogue.shipped()
        let rules = EventRules(catalogue: catalogue, pack: pack)
        let classifier = EventRuleClassifier(pack: pack)
        let generator = MessageGenerator(pack: pack, catalogue: catalogue)
        var failures: [String] = []
        var mutated = 0
        var checked = 0
        for event in catalogue.events {
            let requirements = classifier.classify(event).compactMap { c -> DataItemRequirement? in
                if case .mandatoryItem(let r) = c.treatment { return r } else { return nil }
            }
            guard !requirements.isEmpty else { continue }
            checked += requirements.count
            let message = try generator.message(event: event, seed: 5, index: 0)
            let before = Set(rules.check(message, syntax: .xml).filter { $0.severity == .error }.map(\.rule))
            XCTAssert(before.isEmpty, "\(event.eventCode) generated with errors \(before)")
            for requirement in requirements {
                var copy = message
                guard Self.remove(requirement, from: &copy) else { continue }  // no resource of the profile
                mutated += 1
                let after = rules.check(copy, syntax: .xml).filter { $0.severity == .error }.map(\.rule)
                // Two items on one path (APGAR at 1 and 5 minutes) go together.
                let expected = Set(requirements.filter { $0.profile == requirement.profile && $0.steps == requirement.steps }.map { "event." + $0.ruleID })
                if Set(after) != expected {
                    failures.append("\(requirement.ruleID) removed: found \(after)")
                }
            }
        }
        XCTAssertEqual(mutated, checked, "every checked item's resource is in the generated message of its event")
        XCTAssertGreaterThan(checked, 100)
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }

    /// Removes the item (its last step, under every path to it) from every resource claiming the
    /// profile; false when none does.
    static func remove(_ requirement: DataItemRequirement, from bundle: inout Element) -> Bool {
        var removedAny = false
        for i in bundle.children.indices where bundle.children[i].name == "entry" {
            guard let r = bundle.children[i].children.firstIndex(where: { $0.name == "resource" }) else { continue }
            let profiles = bundle.children[i].children[r].child("meta")?.children(named: "profile").compactMap(\.value) ?? []
            guard profiles.contains(requirement.profile) else { continue }
            removeSteps(requirement.steps[...], from: &bundle.children[i].children[r])
            removedAny = true
        }
        return removedAny
    }

    static func removeSteps(_ steps: ArraySlice<DataItemRequirement.Step>, from node: inout Element) {
        guard let step = steps.first else { return }
        let matches: (Element) -> Bool
        switch step {
        case .child(let name): matches = { $0.name == name }
        case .sliced(let name, _, let system): matches = { $0.name == name && $0.child("system")?.value == system }
        case .codingSliced(let name, _, let system):
            matches = { $0.name == name && $0.children(named: "coding").contains { $0.child("system")?.value == system } }
        case .extensionSlice(_, let url): matches = { $0.name == "extension" && $0.url == url }
        }
        if steps.count == 1 {
            node.children.removeAll(where: matches)
        } else {
            for i in node.children.indices where matches(node.children[i]) { removeSteps(steps.dropFirst(), from: &node.children[i]) }
        }
    }
}
