// Transitional: the unsafe-pointer entry point kept while its callers move to `Span` (issue 18).
// Removed when no caller is left.
extension HL7v2StreamParser {
    /// Reads the next bytes of the input (see the `Span` form).
    public mutating func read(_ chunk: UnsafeBufferPointer<UInt8>) {
        read(Span(_unsafeElements: chunk))
    }
}
