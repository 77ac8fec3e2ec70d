import FHIRModel

/// Layer 1: what an `Identifier`'s system says about its value.
///
/// `urn:ietf:rfc:3986` as `Identifier.system` means "the value is a URI" (FHIR STU3 Identifier:
/// "the identifier value is a URI"), so the value must be an absolute URI: a scheme, `:` and the
/// rest of an RFC 3986 URI (``Lexical/uriFault(_:)``). A bare UUID must be written
/// `urn:uuid:<uuid>`, a bare OID `urn:oid:<oid>`. Rule `value.identifier-rfc3986` (error), at
/// `Identifier.value`.
extension StructureWalker {
    static let rfc3986System = "urn:ietf:rfc:3986"

    /// Checks the Identifier at `c` (the walker's path stands at it). Costs a scan of its few
    /// children; nothing is allocated unless it reports.
    mutating func checkIdentifierValue(_ c: borrowing Element) {
        guard c.valueOfChild(named: "system")?.isSame(as: Self.rfc3986System) == true else { return }
        c.withChild(named: "value") { valueElement in
            guard let value = valueElement.value, !value.isEmpty,   // an empty value is `value.empty`
                  let problem = Self.absoluteURIProblem(value) else { return }
            report(.error, .value, PrimitiveRule.identifierRFC3986,
                   "identifier value \(Self.quote(value)) is not an absolute URI, which system '\(Self.rfc3986System)' requires: \(problem)",
                   at: valueElement, path: path.text(appending: "value"))
        }
    }

    /// Why `value` is no absolute URI (scheme ":" …, RFC 3986), with what to write instead; nil
    /// when it is one.
    static func absoluteURIProblem(_ value: String) -> String? {
        if let fault = uriFault(value) {
            return fault.explanation(in: value) + "; expected an absolute URI such as urn:uuid:<uuid>"
        }
        if Lexical.hasScheme(value) { return nil }
        if isBareUUID(value) {
            return "it is a bare UUID; expected urn:uuid:\(value.lowercased())"
        }
        if PrimitiveType.oid.check("urn:oid:" + value) == nil {
            return "it is a bare OID; expected urn:oid:\(value)"
        }
        return "it has no scheme; expected an absolute URI (scheme ':' …, e.g. urn:uuid:<uuid>, urn:oid:<oid> or https://…)"
    }

    /// 8-4-4-4-12 hex digits, either case.
    static func isBareUUID(_ value: String) -> Bool {
        Lexical.isUUID(value.utf8.span, from: 0)
    }
}
