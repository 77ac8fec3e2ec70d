import XCTest
import Foundation
import FHIRModel
@testable import FHIRXML

/// The reader keeps one libxml2 context per thread, with name and value caches, from document to
/// document. Whatever the documents before it, a document must read exactly as on a fresh thread.
final class ParserReuseTests: XCTestCase {
    /// Documents that leave different state behind: prefixes, comments, long values that share
    /// their length and both ends (one cache slot), errors in the middle of an element.
    static let documents: [String] = [
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- before -->
        <f:Patient xmlns:f="http://hl7.org/fhir">
          <f:id value="p1"/>
          <f:identifier><f:system value="https://example.org/AAAA/system-1"/><f:value value="9434765919"/></f:identifier>
          <f:name id="n1"><f:given value="Ann &amp; Bo"/></f:name>
        </f:Patient>
        """,
        """
        <Patient xmlns="http://hl7.org/fhir">
          <identifier><system value="https://example.org/BBBB/system-1"/><value value="9434765919"/></identifier>
          <name><given value="Cy"/><!-- trailing --></name>
        </Patient>
        """,
        // An error inside a prefixed element: the namespace declaration is still open when it stops.
        """
        <g:Patient xmlns:g="http://hl7.org/fhir"><g:name><g:given value="x"/><g:family value="y">
        """,
        // Uses the prefix of the failed document without declaring it.
        """
        <g:Patient xmlns:g="http://hl7.org/fhir"><g:id value="p2"/><h:name/></g:Patient>
        """,
        """
        <Bundle xmlns="http://hl7.org/fhir"><type value="message"/>
          <entry><fullUrl value="urn:uuid:5e9a1c2b-0000-4000-8000-000000000001"/>
            <resource><Patient><id value="p3"/><birthDate value="2019-03-01"/></Patient></resource></entry>
          <entry><fullUrl value="urn:uuid:5e9a1c2b-0000-4000-8000-000000000002"/>
            <resource><Observation><effectiveDateTime value="2019-03-01T10:00:00+00:00"/></Observation></resource></entry>
        </Bundle>
        """,
        "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"a&nbsp;b\"/></Patient>",
        "<Patient xmlns=\"http://other.org\"><id value=\"p4\"/></Patient>",
    ]

    /// What reading gave: the tree, or the thrown issues, as comparable text (positions included).
    static func outcome(_ text: String) -> String {
        do {
            let decoded = try FHIRXMLReader().read(text)
            return "tree \(dump(decoded.root)) issues \(decoded.issues.map(describe))"
        } catch let error as IssuesError {
            return "failed \(error.issues.map(describe))"
        } catch {
            return "other \(error)"
        }
    }

    static func describe(_ issue: Issue) -> String {
        "\(issue.severity) \(issue.rule) \(issue.path ?? "-") \(issue.position?.description ?? "-") \(issue.message)"
    }

    static func dump(_ e: Element) -> String {
        "\(e.name)@\(e.position)[\(e.resourceType ?? "")|\(e.value ?? "")|\(e.id ?? "")|\(e.url ?? "")|\(e.comments)|\(e.trailingComments)]"
            + "(" + e.children.map(dump).joined(separator: ",") + ")"
    }

    /// A result handed back from another thread (read after the thread signals).
    final class Box: @unchecked Sendable { var text = "" }

    /// Each document read on a thread of its own, so on a new context.
    static func freshOutcomes() -> [String] {
        documents.map { text in
            let result = Box()
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                result.text = outcome(text)
                done.signal()
            }
            thread.start()
            done.wait()
            return result.text
        }
    }

    func testReusedContextReadsLikeAFreshOne() {
        let fresh = Self.freshOutcomes()
        XCTAssertTrue(fresh[0].hasPrefix("tree"), fresh[0])
        XCTAssertTrue(fresh[2].hasPrefix("failed"), fresh[2])
        XCTAssertTrue(fresh[3].contains("xml.syntax") || fresh[3].contains("xml.namespace"), fresh[3])
        XCTAssertTrue(fresh[1].contains("https://example.org/BBBB/system-1"), fresh[1])
        // Every order on this one thread: each document after each other one.
        for _ in 0..<2 {
            for i in Self.documents.indices {
                for j in Self.documents.indices {
                    XCTAssertEqual(Self.outcome(Self.documents[i]), fresh[i], "document \(i) after \(j - 1)")
                    XCTAssertEqual(Self.outcome(Self.documents[j]), fresh[j], "document \(j) after \(i)")
                }
            }
        }
    }

    func testConcurrentReadersAgree() {
        let fresh = Self.freshOutcomes()
        let rounds = 4
        var results = [[String]](repeating: [], count: rounds)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: rounds) { r in
            var mine: [String] = []
            for k in 0..<(Self.documents.count * 3) {
                let i = (k * (r + 1)) % Self.documents.count
                mine.append("\(i) " + Self.outcome(Self.documents[i]))
            }
            lock.withLock { results[r] = mine }
        }
        for r in 0..<rounds {
            XCTAssertEqual(results[r].count, Self.documents.count * 3)
            for line in results[r] {
                let i = Int(line.prefix { $0 != " " })!
                XCTAssertEqual(String(line.drop { $0 != " " }.dropFirst()), fresh[i], "round \(r), document \(i)")
            }
        }
    }

    /// Text after white-space runs of every length and mix (tabs, carriage returns) is found, at
    /// its exact line and column.
    func testTextAfterLongWhiteSpaceRuns() {
        for run in ["", " ", "\n", String(repeating: " ", count: 7), String(repeating: " ", count: 8),
                    String(repeating: " ", count: 17), "\n" + String(repeating: " ", count: 15) + "\t  ",
                    String(repeating: " ", count: 9) + "\r\n" + String(repeating: "\t", count: 9)] {
            let xml = "<Patient xmlns=\"http://hl7.org/fhir\"><name>" + run + "abc</name></Patient>"
            let issues: [Issue]
            do {
                _ = try FHIRXMLReader().read(xml)
                XCTFail("text after \(run.debugDescription) was not reported")
                continue
            } catch let error as IssuesError {
                issues = error.issues
            } catch {
                XCTFail("\(error)")
                continue
            }
            XCTAssertEqual(issues.map(\.rule), ["xml.text-content"], run.debugDescription)
            XCTAssertTrue(issues.first?.message.contains("'abc'") ?? false, run.debugDescription)
            // Counted in bytes: "\r\n" is one Character but its LF starts the line.
            let bytes = Array(run.utf8)
            let line = 1 + bytes.filter { $0 == 0x0A }.count
            let column = bytes.lastIndex(of: 0x0A).map { bytes.count - $0 } ?? 43 + bytes.count + 1
            XCTAssertEqual(issues.first?.position, SourcePosition(line: line, column: column), run.debugDescription)
        }
    }
}

