import FHIRModel

extension HTMLReportWriter {
    /// An sRGB colour of the HTML report.
    public struct Colour: Sendable, Hashable {
        /// Red component, 0–255.
        public var red: UInt8
        /// Green component, 0–255.
        public var green: UInt8
        /// Blue component, 0–255.
        public var blue: UInt8

        /// A colour from its components.
        public init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        /// CSS form, `#rrggbb`.
        public var hex: String {
            "#" + [red, green, blue].map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        }
    }

    /// The background of a source line marked with issues whose worst is `severity` (fatal shares
    /// error's). Nothing else on the page uses these colours, so they identify marked lines.
    public static func markColour(_ severity: Severity) -> Colour {
        switch severity {
        case .fatal, .error: return Colour(red: 0xFF, green: 0xC8, blue: 0xC8)
        case .warning: return Colour(red: 0xFF, green: 0xE8, blue: 0x99)
        case .information: return Colour(red: 0xCC, green: 0xE0, blue: 0xFF)
        }
    }
}
