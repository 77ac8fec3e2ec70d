import XCTest
import Foundation
import DCHTestSupport

/// Every Swift code listing of the DocC articles is a `docs:begin` region of a Swift file of this
/// target, so the code the articles show is code the tests compile and run.
final class DocumentationListingTests: XCTestCase {
    func testEveryArticleListingIsRunByTheTests() throws {
        let root = SharedCorpus.packageRoot
        let testFolder = root.appendingPathComponent("Tests/DocumentationTests")
        var regions: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(at: testFolder, includingPropertiesForKeys: nil)
            where file.pathExtension == "swift" {
            let found = Self.regions(in: try String(contentsOf: file, encoding: .utf8))
            XCTAssertEqual(Set(found.keys).intersection(regions.keys), [], "\(file.lastPathComponent): region names used twice")
            regions.merge(found) { first, _ in first }
        }
        XCTAssertGreaterThanOrEqual(regions.count, 35)

        var used: Set<String> = []
        let articles = try Self.articles(under: root.appendingPathComponent("Sources"))
        XCTAssertGreaterThanOrEqual(articles.count, 24, "the DocC catalogues' pages")
        for article in articles {
            let listings = Self.swiftListings(in: try String(contentsOf: article, encoding: .utf8))
            for listing in listings {
                if let name = regions.first(where: { $0.value == listing })?.key {
                    used.insert(name)
                } else {
                    XCTFail("\(article.lastPathComponent): a listing that no test runs:\n\(listing)")
                }
            }
        }
        XCTAssertEqual(Set(regions.keys).subtracting(used), [], "regions that no article shows")
    }

    /// The `.md` pages of every `.docc` catalogue under `sources`.
    static func articles(under sources: URL) throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        var found: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "md", url.deletingLastPathComponent().pathExtension == "docc" { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Named regions: the lines between `// docs:begin NAME` and `// docs:end`, normalised.
    static func regions(in text: String) -> [String: String] {
        var regions: [String: String] = [:]
        var name: String?
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("// docs:begin ") {
                name = String(trimmed.dropFirst("// docs:begin ".count))
                lines = []
            } else if trimmed == "// docs:end", let current = name {
                regions[current] = normalised(lines)
                name = nil
            } else if name != nil {
                lines.append(line)
            }
        }
        return regions
    }

    /// The bodies of the ```` ```swift ```` fences of a Markdown page, normalised.
    static func swiftListings(in markdown: String) -> [String] {
        var listings: [String] = []
        var lines: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if lines == nil, trimmed == "```swift" {
                lines = []
            } else if lines != nil, trimmed == "```" {
                listings.append(normalised(lines!))
                lines = nil
            } else if lines != nil {
                lines!.append(line)
            }
        }
        return listings
    }

    /// The common indentation removed, trailing spaces dropped.
    static func normalised(_ lines: [Substring]) -> String {
        let indents = lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix { $0 == " " }.count }
        let indent = indents.min() ?? 0
        return lines.map { line in
            String(line.dropFirst(min(indent, line.prefix { $0 == " " }.count)))
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }
}
