import FHIRModel

/// What a CSV column says about a person, judged by its name: the common columns of every event
/// (`nhs_number`, `given_name`, `birth_date`, `postcode`…) and the names event mappings give theirs
/// (`practitioner_family_name`, `practitioner_sds_id`, an `address_line_1`…).
public enum ExtractColumnKind: Sendable, Equatable {
    /// `linkage_token`: the keyed token, the one column meant to link.
    case linkageToken
    /// Identifies a person, directly or through a record: an NHS number, a name, a birth date, a
    /// postcode, an address, a phone number or email, a local record or staff number (`…_id`).
    case personIdentifier
    /// An area (a postcode district): no one on its own, but narrows a person down beside the birth date and sex.
    case area
    /// Anything else: codes, values, dates of the event, the sending organisation.
    case other

    private static let identifyingParts = ["nhs_number", "given_name", "family_name", "birth_date", "postcode",
                                           "address", "phone", "email", "telecom"]

    /// The kind of the column called `name`.
    public static func of(column name: String) -> ExtractColumnKind {
        let name = name.lowercased()
        if name == "linkage_token" { return .linkageToken }
        if name.contains("district") { return .area }
        if identifyingParts.contains(where: name.contains) || name.hasSuffix("_id") { return .personIdentifier }
        return .other
    }
}

/// Applies a policy's ``ExtractSettings`` to the rows of one CSV layout (one event's columns).
/// The rows it is given are read from the shared message, so it can only empty cells, or (under
/// ``ExtractIdentifiers/pseudonymised``) put into `nhs_number` a pseudonym the shared message holds.
///
/// Made once per layout; filtering a row allocates nothing unless the mode is `pseudonymised`.
public struct ExtractRowFilter: Sendable {
    /// The mode applied.
    public let identifiers: ExtractIdentifiers
    /// Each column's kind, in column order.
    public let kinds: [ExtractColumnKind]
    /// The columns whose values in the input message ``filter(_:inputRow:shared:transforms:)``
    /// compares with (`pseudonymised`: the person-identifying ones; otherwise none, and the input
    /// row is not read).
    public let comparedColumns: Set<Int>
    private let nhsNumberColumn: Int?

    /// A filter for rows with `columns` (a mapping's header).
    public init(columns: [String], identifiers: ExtractIdentifiers) {
        self.identifiers = identifiers
        let kinds = columns.map(ExtractColumnKind.of(column:))
        self.kinds = kinds
        comparedColumns = identifiers == .pseudonymised ? Set(kinds.indices.filter { kinds[$0] == .personIdentifier }) : []
        nhsNumberColumn = columns.firstIndex(of: "nhs_number")
    }

    /// Empties (or, for `nhs_number` under `pseudonymised`, fills with the shared pseudonym) the
    /// cells of `row` that the mode does not let through.
    /// - Parameters:
    ///   - row: the row read from the shared message, in column order.
    ///   - inputRow: the same layout's row read from the input message; only ``comparedColumns``
    ///     are read (empty strings elsewhere are fine).
    ///   - shared: the shared message (where the NHS number's pseudonym is looked for).
    ///   - transforms: the policy's keyed transforms (the pseudonym function).
    public func filter(_ row: inout [String], inputRow: [String], shared: Element, transforms: KeyedTransforms) {
        switch identifiers {
        case .asShared:
            return
        case .tokenOnly:
            for i in kinds.indices where kinds[i] == .personIdentifier || kinds[i] == .area { row[i] = "" }
        case .pseudonymised:
            // A value as the input had it (in any spelling: case, spaces, punctuation) is not a pseudonym.
            var original = Set<String>()
            for i in comparedColumns where !inputRow[i].isEmpty { original.insert(Self.comparable(inputRow[i])) }
            for i in comparedColumns where !row[i].isEmpty && original.contains(Self.comparable(row[i])) { row[i] = "" }
            if let n = nhsNumberColumn, row[n].isEmpty, !inputRow[n].isEmpty,
               let pseudonym = Self.sharedPseudonym(ofNHSNumber: inputRow[n], in: shared, transforms: transforms) {
                row[n] = pseudonym
            }
        }
    }

    /// The policy's pseudonym of an NHS number (digits only, as `pseudonymise` normalises it),
    /// when an identifier of the shared message's patient holds it.
    static func sharedPseudonym(ofNHSNumber number: String, in shared: Element, transforms: KeyedTransforms) -> String? {
        guard let patient = LinkageToken.subjectPatient(of: shared) else { return nil }
        let pseudonym = transforms.pseudonym(number.filter(\.isNumber))
        for id in patient.children(named: "identifier") where id.child("value")?.value == pseudonym { return pseudonym }
        return nil
    }

    /// Letters and digits only, lower-cased: `LS1 4AP`, `ls14ap` and `LS1-4AP` compare equal.
    static func comparable(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
                .flatMap { $0.properties.lowercaseMapping.unicodeScalars }))
    }
}
