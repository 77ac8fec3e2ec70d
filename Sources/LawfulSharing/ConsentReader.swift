import FHIRModel

/// Finds the parental consent-to-share code in a message: any Coding (a `valueCoding`, a
/// CodeableConcept's `coding`…) of the policy's consent code system, anywhere in the tree
/// (the DCH Early Years questionnaire carries it as an answer). A refusal anywhere wins.
enum ConsentReader {
    static func state(of root: Element, rules: ConsentRules) -> ConsentState {
        var found: ConsentState = .notRecorded
        visit(root, rules, &found)
        return found
    }

    private static func visit(_ e: Element, _ rules: ConsentRules, _ found: inout ConsentState) {
        if found == .refused { return }
        if !e.children.isEmpty, e.valueOfChild(named: "system") == rules.codeSystem, let code = e.valueOfChild(named: "code") {
            if code == rules.refusedCode { found = .refused; return }
            if code == rules.givenCode { found = .given }
        }
        for child in e.children { visit(child, rules, &found) }
    }

    static func decision(_ state: ConsentState, _ rules: ConsentRules) -> ConsentRules.Decision {
        switch state {
        case .given: return rules.whenGiven
        case .refused: return rules.whenRefused
        case .notRecorded: return rules.whenNotRecorded
        }
    }
}
