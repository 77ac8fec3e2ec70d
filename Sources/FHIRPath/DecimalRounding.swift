import Foundation

/// Decimal rounding through `NSDecimalNumber`'s safe API (what `NSDecimalRound` does, without
/// lending pointers to the values): used by `div`, `mod` and the comparison of decimals at a
/// common precision, none of them on a hot path.
enum DecimalRounding {
    /// `value` rounded to `scale` digits after the point, in `mode` (`.down`: towards minus
    /// infinity, `.plain`: half away from zero).
    static func rounded(_ value: Decimal, scale: Int, _ mode: NSDecimalNumber.RoundingMode) -> Decimal {
        let behaviour = NSDecimalNumberHandler(roundingMode: mode, scale: Int16(clamping: scale), raiseOnExactness: false,
                                               raiseOnOverflow: false, raiseOnUnderflow: false, raiseOnDivideByZero: false)
        return NSDecimalNumber(decimal: value).rounding(accordingToBehavior: behaviour).decimalValue
    }
}
