import FHIRModel
import FHIRValidation
import MessageChecking

/// The OperationOutcome of a rejection: one `issue` per error of the validation, shaped by
/// `Spine-OperationOutcome-1` (NEMS publication guidance: invalid messages are answered with codes of
/// `Spine-ErrorOrWarningCode-1`).
///
/// Per issue: `severity` and `code` as found; `details.coding` the Spine code for the finding
/// (see ``spineCode(for:)``) and `details.text` the message; `diagnostics` the rule id; `location`
/// the FHIRPath location, then `line L, col C` when known. The profile forbids `expression`, so
/// the path travels in `location` only (as the HL7 validator also writes it).
enum RejectionOutcome {
    /// The OperationOutcome resource for `issues` (at least one: STU3 requires an issue).
    static func resource(id: String, issues: [Issue]) -> Element {
        var children = [
            Element.primitive("id", id),
            Element(name: "meta", children: [.primitive("profile", EMS.outcomeProfile)]),
        ]
        children += issues.map(entry)
        return Element(name: "OperationOutcome", resourceType: "OperationOutcome", children: children)
    }

    static func entry(_ issue: Issue) -> Element {
        let spine = spineCode(for: issue)
        var children = [
            Element.primitive("severity", issue.severity.rawValue),
            .primitive("code", issue.type.rawValue),
            Element(name: "details", children: [
                .coding(system: EMS.spineErrorSystem, spine),
                .primitive("text", issue.message),
            ]),
            .primitive("diagnostics", issue.rule),
        ]
        if let path = issue.path { children.append(.primitive("location", path)) }
        if let p = issue.position { children.append(.primitive("location", "line \(p.line), col \(p.column)")) }
        return Element(name: "issue", children: children)
    }

    /// The `Spine-ErrorOrWarningCode-1` code closest to a finding: reading failures are
    /// `MESSAGE_NOT_WELL_FORMED`, unresolved references `REFERENCE_NOT_FOUND`, then by issue type
    /// (codes, values, invariants, elements), and `INVALID_RESOURCE` for the rest.
    static func spineCode(for issue: Issue) -> Coded {
        if isReadingFailure(issue) {
            return Coded(code: "MESSAGE_NOT_WELL_FORMED", display: "Message not well formed")
        }
        if BundleRule(rawValue: issue.rule)?.isUnfoundReference == true {
            return Coded(code: "REFERENCE_NOT_FOUND", display: "Reference not found")
        }
        switch issue.type {
        case .codeInvalid:
            return Coded(code: "INVALID_CODE_VALUE", display: "Invalid code value")
        case .value:
            return Coded(code: "INVALID_VALUE", display: "An input field has an invalid value for its type")
        case .invariant:
            return Coded(code: "FHIR_CONSTRAINT_VIOLATION", display: "FHIR constraint violated")
        case .structure, .required, .unknownExtension:
            return Coded(code: "INVALID_ELEMENT", display: "Invalid element")
        default:
            return Coded(code: "INVALID_RESOURCE", display: "Invalid validation of resource")
        }
    }

    /// True for findings that mean the message could not be read as FHIR at all.
    static func isReadingFailure(_ issue: Issue) -> Bool {
        ValidationRules.layer(of: issue.rule)?.isReading == true
    }
}

extension Element {
    /// A primitive child. FHIR has no empty strings, so an empty value is written as `?`.
    static func primitive(_ name: String, _ value: String) -> Element {
        Element(name: name, value: value.isEmpty ? "?" : sanitized(value))
    }

    /// A `coding` child with system, code and display.
    static func coding(system: String, _ coded: Coded) -> Element {
        Element(name: "coding", children: [
            .primitive("system", system), .primitive("code", coded.code), .primitive("display", coded.display),
        ])
    }

    /// A CodeableConcept-shaped child holding one coding.
    static func concept(_ name: String, system: String, _ coded: Coded) -> Element {
        Element(name: name, children: [.coding(system: system, coded)])
    }

    /// A reference child.
    static func reference(_ name: String, _ target: String, display: String? = nil) -> Element {
        var children = [Element.primitive("reference", target)]
        if let display { children.append(.primitive("display", display)) }
        return Element(name: name, children: children)
    }

    /// Characters an XML 1.0 document (and so a FHIR string) cannot hold become U+FFFD: messages
    /// may quote the broken input they describe.
    private static func sanitized(_ value: String) -> String {
        func forbidden(_ s: Unicode.Scalar) -> Bool {
            (s.value < 0x20 && s != "\t" && s != "\n" && s != "\r") || s.value == 0xFFFE || s.value == 0xFFFF
        }
        guard value.unicodeScalars.contains(where: forbidden) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.map { forbidden($0) ? "\u{FFFD}" : $0 }))
    }
}
