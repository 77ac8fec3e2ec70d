import Foundation
import FHIRPath

/// One compared evaluation: ours and theirs in canonical form.
struct Disagreement {
    let evaluation: DifferentialEvaluation
    let file: String
    let theirs: TheirResult

    /// Both gave the same collection, or both failed.
    var agrees: Bool {
        switch evaluation.ours {
        case .failure: return theirs.error != nil
        case .success: return theirs.theirs != nil && theirs.ours == theirs.theirs
        }
    }

    var oursText: String {
        switch evaluation.ours {
        case let .failure(error): return "error: \(error)"
        case .success: return "[" + (theirs.ours ?? []).map(Self.short).joined(separator: ", ") + "]"
        }
    }

    var theirsText: String {
        theirs.theirs.map { "[" + $0.map(Self.short).joined(separator: ", ") + "]" } ?? "error: \(theirs.error ?? "?")"
    }

    /// `file at path: expression` and both results, for a failure message.
    var diff: String {
        let at = evaluation.at.map { " at \($0)" } ?? ""
        let key = evaluation.invariant.map { " (\($0))" } ?? ""
        return "\(file)\(at)\(key): \(evaluation.expression)\n    ours:   \(oursText)\n    theirs: \(theirsText)"
    }

    private static func short(_ s: String) -> String { s.count > 160 ? String(s.prefix(157)) + "..." : s }
}

/// A disagreement shown to be fhirpathpy's error: which evaluations, and why (the spec's rule).
struct KnownDisagreement {
    let id: String
    /// The rule of the FHIRPath specification (N1, as FHIR STU3 uses it) that fhirpathpy breaks.
    let reason: String
    let matches: (Disagreement) -> Bool

    static let all: [KnownDisagreement] = [
        KnownDisagreement(
            id: "comments-read-as-elements",
            reason: "fhirpathpy reads `fhir_comments` as an element, and the `_name` object holding a primitive's "
                + "comments as a second item beside its value; STU3 JSON (json.html: comments; primitive elements) "
                + "makes `name` and `_name` one element and comments no element at all. Without the comments, "
                + "fhirpathpy gives our result.",
            matches: { $0.theirs.uncommented != nil && $0.theirs.uncommented == $0.theirs.ours }),
        KnownDisagreement(
            id: "non-elements-as-children",
            reason: "fhirpathpy's children() and descendants() return the JSON `resourceType` property and a "
                + "primitive's `_name` object (its extensions) as nodes of their own; `resourceType` names the "
                + "resource's type and is no element (STU3 json.html: resources), `_name` is part of the primitive "
                + "element `name` (json.html: primitive elements), and FHIRPath N1 children() returns child elements. "
                + "Without them (and without comments), fhirpathpy gives our result.",
            matches: { $0.theirs.typedChildren != nil && $0.theirs.typedChildren == $0.theirs.ours }),
        KnownDisagreement(
            id: "extensions-read-as-a-second-item",
            reason: "fhirpathpy returns a primitive with extensions (birthDate with patient-birthTime) as two items, "
                + "its value and its `_name` object, so that `birthDate is date` meets two items; STU3 JSON "
                + "(json.html: primitive elements) makes `name` and `_name` one element. Without `_name` objects "
                + "(and comments), fhirpathpy gives our result.",
            matches: { $0.theirs.untwinned != nil && $0.theirs.untwinned == $0.theirs.ours }),
        KnownDisagreement(
            id: "fhir-functions-not-implemented",
            reason: "fhirpathpy does not implement resolve() or htmlchecks(), the functions FHIR STU3 adds to "
                + "FHIRPath (STU3 fhirpath.html: additional functions); it fails with 'Not implemented'.",
            matches: { d in
                ["Not implemented: resolve", "Not implemented: htmlchecks"].contains { d.theirs.error?.contains($0) == true }
            }),
        KnownDisagreement(
            id: "quantity-comparison-without-ucum",
            reason: "fhirpathpy turns a FHIR Quantity into a FHIRPath quantity only when its system is UCUM, and "
                + "comparing two others fails with a Python TypeError; FHIRPath N1 (comparison: quantities) compares "
                + "quantities of the same unit by value (Range.low 5 'years' <= Range.high 66 'years' is true).",
            matches: { $0.theirs.error?.contains("not supported between instances of 'dict' and 'dict'") == true }),
        KnownDisagreement(
            id: "decimal-written-as-json-string",
            reason: "the message writes a Quantity.value as a JSON string (\"1\"), which `dch validate` reports "
                + "(value.json-kind); the element is a decimal by its definition and FHIRPath types elements by the "
                + "model (N1: models), while fhirpathpy goes by the JSON kind and rejects the string in arithmetic.",
            matches: { $0.theirs.error?.hasPrefix("Exception: Expected number, got: \"") == true }),
    ]
}

/// Counts and lists of a differential run.
struct DifferentialTally {
    var evaluations = 0
    var invariantEvaluations = 0
    var agreements = 0
    var bothFailed = 0
    var invariantExpressions: Set<String> = []
    var writtenExpressions: Set<String> = []
    var explained: [String: Int] = [:]
    var unexpected: [Disagreement] = []

    mutating func record(_ d: Disagreement) {
        evaluations += 1
        if d.evaluation.invariant != nil {
            invariantEvaluations += 1
            invariantExpressions.insert(d.evaluation.expression)
        } else {
            writtenExpressions.insert(d.evaluation.expression)
        }
        if d.agrees {
            agreements += 1
            if case .failure = d.evaluation.ours { bothFailed += 1 }
            return
        }
        if let known = KnownDisagreement.all.first(where: { $0.matches(d) }) {
            explained[known.id, default: 0] += 1
        } else {
            unexpected.append(d)
        }
    }

    func report(_ job: DifferentialJob) -> String {
        var lines = [
            "FHIRPath differential test against fhirpathpy: \(job.resources.count) messages; "
                + "\(invariantExpressions.count) invariant expressions and \(writtenExpressions.count) written ones compared; "
                + "\(evaluations) evaluations (\(invariantEvaluations) of invariants); \(agreements) agree "
                + "(\(bothFailed) where both fail); \(evaluations - agreements) disagree: "
                + "\(evaluations - agreements - unexpected.count) explained, \(unexpected.count) unexpected",
        ]
        for known in KnownDisagreement.all {
            lines.append("  \(known.id): \(explained[known.id, default: 0]) - \(known.reason)")
        }
        return lines.joined(separator: "\n")
    }
}
