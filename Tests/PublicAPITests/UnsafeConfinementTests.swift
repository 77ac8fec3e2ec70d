import XCTest
import Foundation
import DCHTestSupport

/// Unsafe code stays in the few places `unsafe-places.txt` names, each with its reason (issue 18):
/// the files that bind a C library or the operating system. Everything else reads bytes through
/// `Span`, walks elements by borrowing them and keeps scratch memory in arrays.
///
/// The test reads the sources for the constructs that make Swift code unsafe: raw and typed
/// pointers and the calls that lend them, unmanaged and unchecked references, memory bound or
/// initialised by hand, libc's memory functions. `scripts/unsafe-audit` checks the same list with
/// the compiler's own judgement (`-strict-memory-safety`), which also sees pointers passed
/// implicitly (`&x` to a C function, a `String` as a `char *`).
final class UnsafeConfinementTests: XCTestCase {
    /// The constructs, as regular expressions over code (comments and string literals removed).
    static let constructs: [(name: String, pattern: String)] = [
        ("an unsafe pointer type", #"\bUnsafe(Mutable)?(Raw)?(Buffer)?Pointer\b"#),
        ("a call that lends a pointer", #"\bwithUnsafe[A-Za-z]*\b|\bwithUTF8\b|\bwithContiguous[A-Za-z]*Storage[A-Za-z]*\b|\bwithCString\b"#),
        ("a pointer's address or target", #"\.baseAddress\b|\.pointee\b|\butf8Start\b|\bOpaquePointer\b"#),
        ("memory bound, rebound or allocated by hand", #"\bassumingMemoryBound\b|\bbindMemory\b|\bwithMemoryRebound\b|\.allocate\(|\.deallocate\(|\.initialize\(|\bwithUnsafeTemporaryAllocation\b"#),
        ("an unmanaged or unchecked reference", #"\bUnmanaged\b|\bunowned\(unsafe\)|\bnonisolated\(unsafe\)|_withUnsafeGuaranteedRef|@exclusivity\(unchecked\)|\bunsafeBitCast\b|\bunsafeDowncast\b"#),
        ("libc's memory functions", #"\bmem(chr|cmp|cpy|move|set)\("#),
        ("a span made from a pointer", #"_unsafeElements|_unsafeBytes|_unsafeStart"#),
    ]

    private struct Place { let path: String; let reason: String }

    /// The places and their reasons, from `unsafe-places.txt` (`path  # reason` per line).
    private func places() throws -> [Place] {
        let file = SharedCorpus.packageRoot.appendingPathComponent("unsafe-places.txt")
        return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").compactMap { line in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !text.hasPrefix("#") else { return nil }
            let parts = text.split(separator: "#", maxSplits: 1)
            let path = parts[0].trimmingCharacters(in: .whitespaces)
            let reason = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            return Place(path: path, reason: reason)
        }
    }

    /// Every Swift file under Sources, by path relative to the package root.
    private func sourceFiles() -> [String] {
        let root = SharedCorpus.packageRoot
        let sources = root.appendingPathComponent("Sources")
        let all = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        return all.map { String($0.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)) }.sorted()
    }

    /// The unsafe constructs in `code`, each with its line.
    static func findings(in code: String) -> [(line: Int, construct: String)] {
        let stripped = CodeText.withoutCommentsAndStrings(code)
        var found: [(Int, String)] = []
        for (number, line) in stripped.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for construct in constructs where line.range(of: construct.pattern, options: .regularExpression) != nil {
                found.append((number + 1, construct.name))
            }
        }
        return found
    }

    func testUnsafeCodeIsOnlyInTheNamedPlaces() throws {
        let places = try places()
        let named = Set(places.map(\.path))
        var outside: [String] = []
        var withUnsafeCode = Set<String>()
        for path in sourceFiles() {
            let code = try String(contentsOf: SharedCorpus.packageRoot.appendingPathComponent(path), encoding: .utf8)
            let findings = Self.findings(in: code)
            guard !findings.isEmpty else { continue }
            withUnsafeCode.insert(path)
            if !named.contains(path) {
                outside += findings.map { "\(path):\($0.line): \($0.construct)" }
            }
        }
        XCTAssertEqual(outside, [], "unsafe code outside the places unsafe-places.txt names")
        // The list stays true: each place exists, still needs its unsafe code, and says why.
        for place in places {
            XCTAssertTrue(withUnsafeCode.contains(place.path), "\(place.path) is listed but has no unsafe code (remove it from the list)")
            XCTAssertFalse(place.reason.isEmpty, "\(place.path) is listed without a reason")
        }
        XCTAssertEqual(places.count, named.count, "a place is listed twice")
    }

    /// The scanner itself: each construct is found in code and not in comments or strings.
    func testTheScannerFindsEachConstructInCodeOnly() {
        let samples = [
            "let p: UnsafePointer<UInt8>", "a.withUnsafeBytes { $0 }", "s.withUTF8 { _ in }", "b.baseAddress!",
            "p.pointee", "r.assumingMemoryBound(to: UInt8.self)", "Unmanaged.passUnretained(x)",
            "nonisolated(unsafe) static var x = 0", "memchr(p, 10, n)", "Span(_unsafeElements: b)",
            "let q = UnsafeMutablePointer<Int>.allocate(capacity: 4)", "@exclusivity(unchecked) var v: Int",
        ]
        for sample in samples {
            XCTAssertFalse(Self.findings(in: sample).isEmpty, sample)
            XCTAssertEqual(Self.findings(in: "// \(sample)").count, 0, "in a comment: \(sample)")
            XCTAssertEqual(Self.findings(in: "let text = \"\(sample.replacingOccurrences(of: "\"", with: ""))\"").count, 0,
                           "in a string: \(sample)")
        }
        XCTAssertEqual(Self.findings(in: "let kids = e.children.span\nlet n = kids[0].name").count, 0)
        XCTAssertEqual(Self.findings(in: "/* withUnsafeBytes\n p.pointee */ let x = 1").count, 0)
    }
}

/// Swift source with its comments and string literals blanked (newlines kept, so that line numbers
/// stay): enough of the lexer to tell code from prose.
enum CodeText {
    static func withoutCommentsAndStrings(_ source: String) -> String {
        let s = Array(source.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func keepNewline(_ c: Unicode.Scalar) { if c == "\n" { out.append(c) } }
        func at(_ k: Int) -> Unicode.Scalar? { k < s.count ? s[k] : nil }
        while i < s.count {
            let c = s[i]
            if c == "/", at(i + 1) == "/" {                       // line comment
                while i < s.count, s[i] != "\n" { i += 1 }
            } else if c == "/", at(i + 1) == "*" {                // block comment, nested
                var depth = 0
                repeat {
                    if s[i] == "/", at(i + 1) == "*" { depth += 1; i += 2; continue }
                    if s[i] == "*", at(i + 1) == "/" { depth -= 1; i += 2; continue }
                    keepNewline(s[i]); i += 1
                } while i < s.count && depth > 0
            } else if c == "#" || c == "\"" {                     // string literal, maybe raw
                var hashes = 0
                var k = i
                while at(k) == "#" { hashes += 1; k += 1 }
                guard at(k) == "\"" else { out.append(c); i += 1; continue }
                let multiline = at(k + 1) == "\"" && at(k + 2) == "\""
                k += multiline ? 3 : 1
                let quotes = multiline ? 3 : 1
                while k < s.count {
                    if hashes == 0, s[k] == "\\" { k += 2; continue }  // an escape (raw strings have none)
                    if s[k] == "\"", (0..<quotes).allSatisfy({ at(k + $0) == "\"" }),
                       (0..<hashes).allSatisfy({ at(k + quotes + $0) == "#" }) {
                        k += quotes + hashes
                        break
                    }
                    keepNewline(s[k]); k += 1
                }
                out.append("\""); out.append("\"")
                i = k
            } else {
                out.append(c); i += 1
            }
        }
        return String(out)
    }
}
