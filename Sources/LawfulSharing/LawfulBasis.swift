/// The GDPR conditions a sharing agreement relies on: one of Article 6(1) (every processing of
/// personal data) and one of Article 9(2) (health data is special category data).
public struct LawfulBasis: Sendable, Equatable {
    /// An Article 6(1) point, written `6(1)(e)`.
    public var article6: String
    /// An Article 9(2) point, written `9(2)(h)`.
    public var article9: String

    /// A lawful basis; ``PolicyLoader`` checks both against the articles' lists.
    public init(article6: String, article9: String) {
        self.article6 = article6
        self.article9 = article9
    }

    /// Article 6(1), points (a) to (f) (Regulation (EU) 2016/679 as retained in UK law).
    public static let article6Conditions: [String: String] = [
        "6(1)(a)": "consent",
        "6(1)(b)": "contract",
        "6(1)(c)": "legal obligation",
        "6(1)(d)": "vital interests",
        "6(1)(e)": "public task",
        "6(1)(f)": "legitimate interests",
    ]

    /// Article 9(2), points (a) to (j).
    public static let article9Conditions: [String: String] = [
        "9(2)(a)": "explicit consent",
        "9(2)(b)": "employment, social security and social protection law",
        "9(2)(c)": "vital interests of a person unable to consent",
        "9(2)(d)": "not-for-profit body",
        "9(2)(e)": "made public by the data subject",
        "9(2)(f)": "legal claims or judicial acts",
        "9(2)(g)": "reasons of substantial public interest",
        "9(2)(h)": "health or social care",
        "9(2)(i)": "public health",
        "9(2)(j)": "archiving, research or statistics",
    ]

    /// Accepts `6(1)(e)`, `6.1.e`, `Article 6(1)(e)` and spacing variants; nil when it is none of the points.
    static func normalise(_ text: String, article: Int) -> String? {
        var s = text.lowercased().replacingOccurrences(of: "article", with: "")
        s = s.filter { !$0.isWhitespace }
        let parts = s.split(whereSeparator: { "().".contains($0) }).map(String.init)
        guard parts.count == 3, parts[0] == String(article), parts[1] == (article == 6 ? "1" : "2") else { return nil }
        let key = "\(parts[0])(\(parts[1]))(\(parts[2]))"
        let table = article == 6 ? article6Conditions : article9Conditions
        return table[key] == nil ? nil : key
    }
}
