/// An element's source details in one 64-bit word: where it started, the JSON kind of its value,
/// and whether JSON held it in an array.
///
/// One word, so that ``Element`` has seven scalar parts (56 bytes) rather than ten (64 bytes): with
/// ten, and still with eight (line and column as two words), the optimiser copied and destroyed
/// each new element on its way into a reader's arena (+6.8% instructions for XML reading, counted
/// with callgrind); with seven it moves it. The flags ride in the top three bits of the line, so
/// lines above 536,870,911 (2^29 - 1) are kept as that line and negative lines as 0; columns are
/// kept whole.
@usableFromInline
struct SourceDetails: Sendable {
    /// Bits 0-28: the line; bits 29-30: the ``ValueKind`` raw value; bit 31: in a JSON array;
    /// bits 32-63: the column.
    @usableFromInline var bits: UInt64

    @usableFromInline static let lineMask: UInt64 = (1 << 29) - 1
    @usableFromInline static let kindShift: UInt64 = 29
    @usableFromInline static let kindMask: UInt64 = 0b11 << kindShift
    @usableFromInline static let arrayBit: UInt64 = 1 << 31
    @usableFromInline static let columnShift: UInt64 = 32

    @inlinable
    init(position: SourcePosition, valueKind: ValueKind, inJSONArray: Bool) {
        bits = Self.packed(position) | UInt64(valueKind.rawValue) << Self.kindShift | (inJSONArray ? Self.arrayBit : 0)
    }

    /// The position's bits: its line clamped to the bits it has here, and its column.
    @inlinable
    static func packed(_ position: SourcePosition) -> UInt64 {
        // Written to compile to conditional moves: a reader packs one position per element.
        let line = UInt64(truncatingIfNeeded: max(position.line, 0))
        return min(line, lineMask) | UInt64(UInt32(bitPattern: position.column)) << columnShift
    }

    @inlinable
    var position: SourcePosition {
        get {
            SourcePosition(exactLine: Int32(truncatingIfNeeded: bits & Self.lineMask),
                           column: Int32(truncatingIfNeeded: bits >> Self.columnShift))
        }
        set { bits = bits & (Self.kindMask | Self.arrayBit) | Self.packed(newValue) }
    }

    @inlinable
    var valueKind: ValueKind {
        get { ValueKind(rawValue: UInt8(truncatingIfNeeded: (bits & Self.kindMask) >> Self.kindShift)) ?? .unspecified }
        set { bits = bits & ~Self.kindMask | UInt64(newValue.rawValue) << Self.kindShift }
    }

    @inlinable
    var inJSONArray: Bool {
        get { bits & Self.arrayBit != 0 }
        set { bits = newValue ? bits | Self.arrayBit : bits & ~Self.arrayBit }
    }
}
