import FHIRModel
import FHIRDefinitions
import FHIRJSON
import FHIRXML
import FHIRValidation
import ChildHealthEvents

/// Every rule id dch can report, gathered from the registries of the layers (`RuleRegistry`, FHIRModel):
/// for listings (`dch validate --list-rules`), report rule descriptions (SARIF) and docs.
public enum ValidationRules {
    /// Every rule, in pipeline order (reading, XML, JSON, schema, layers 1 to 6, definitions); a
    /// family of ids made at run time (`invariant.<key>`) is one entry with its pattern.
    public static let all: [RuleDescription] =
        ReadingRule.descriptions + XMLRule.descriptions + JSONRule.descriptions + SchemaRule.descriptions
        + StructureRule.descriptions + PrimitiveRule.descriptions + ProfileRule.descriptions
        + TerminologyRule.descriptions + BundleRule.descriptions + InvariantRule.descriptions
        + EventRuleID.descriptions + DefinitionRule.descriptions

    /// The rules with a single id, by id.
    private static let byID: [String: RuleDescription] =
        Dictionary(uniqueKeysWithValues: all.filter { $0.familyPrefix == nil }.map { ($0.id, $0) })

    /// The description of a reported rule id: its own, or its family's; nil for an id no layer
    /// registers (a user's rule set).
    public static func description(of id: String) -> RuleDescription? {
        if let rule = byID[id] { return rule }
        return all.first { family in family.familyPrefix.map { id.hasPrefix($0) } ?? false }
    }

    /// The layer that reports a rule id, or nil for an id no layer registers.
    public static func layer(of id: String) -> RuleLayer? { description(of: id)?.layer }

    /// What each of these reported ids checks (its rule's or its family's summary), by id: for
    /// report writers (`ReportSettings.ruleSummaries`, SARIF rule descriptions).
    public static func summaries(for ids: some Sequence<String>) -> [String: String] {
        var out: [String: String] = [:]
        for id in ids { if let rule = description(of: id) { out[id] = rule.summary } }
        return out
    }
}
