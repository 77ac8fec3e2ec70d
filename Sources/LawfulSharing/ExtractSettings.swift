/// What a flat (CSV) extract made under a policy carries in the columns that identify a person
/// (`dch share --to csv`). The rows are always read from the shared message, so whatever the
/// policy removed never reaches a row; this setting can only take more away.
public enum ExtractIdentifiers: String, Sendable, CaseIterable {
    /// Only the linkage token identifies the person: every person-identifying column (NHS number,
    /// names, birth date, postcode and district, address, phone, email, local record numbers) is
    /// empty. Needs `linkage-token: true`.
    case tokenOnly = "token-only"
    /// Person-identifying columns keep only values the policy transformed (a pseudonym, a shifted
    /// date, a generalised postcode): a value as the input had it is emptied. The `nhs_number`
    /// column carries the policy's pseudonym of the NHS number when the shared message holds it.
    case pseudonymised
    /// Every column as the shared message gives it: the policy alone decides.
    case asShared = "as-shared"
}

/// The policy's `extract:` settings.
public struct ExtractSettings: Sendable, Equatable {
    /// What the person-identifying columns carry.
    public var identifiers: ExtractIdentifiers

    /// Settings; by default the extract carries what the shared message holds.
    public init(identifiers: ExtractIdentifiers = .asShared) {
        self.identifiers = identifiers
    }
}
