import Foundation

extension Decimal {
    /// This value rounded to `scale` digits after the decimal point, halves away from zero
    /// (`NSDecimalRound`'s `.plain`): 2.5 → 3, -0.0000005 at scale 6 → -0.000001. Through
    /// `NSDecimalNumber`'s rounding, which takes values, not `NSDecimalRound`'s pointers.
    package func rounded(scale: Int16, mode: NSDecimalNumber.RoundingMode = .plain) -> Decimal {
        let behaviour = NSDecimalNumberHandler(roundingMode: mode, scale: scale, raiseOnExactness: false,
                                               raiseOnOverflow: false, raiseOnUnderflow: false, raiseOnDivideByZero: false)
        return NSDecimalNumber(decimal: self).rounding(accordingToBehavior: behaviour).decimalValue
    }
}
