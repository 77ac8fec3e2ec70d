import XCTest
import FHIRModel
import FHIRConversion
import DCHTestSupport

/// One XML message per line: line breaks in text become character references, which XML 1.0
/// (§4.1, §2.11) reads back as the same characters; a comment, which cannot hold a reference, gets a
/// space instead and a warning.
final class XMLSingleLineTests: XCTestCase {
    private func joined(_ text: String) -> (String, [String]) {
        let (bytes, issues) = XMLSingleLine.joined(Array(text.utf8))
        return (String(decoding: bytes, as: UTF8.self), issues.map(\.rule))
    }

    func testTextLineBreaksBecomeReferencesAndLayoutIsDropped() {
        let xml = "<?xml version=\"1.0\"?>\n<Patient xmlns=\"http://hl7.org/fhir\"><text><div xmlns=\"http://www.w3.org/1999/xhtml\">a\nb\r\nc</div></text><name><text value=\"x\ny\"/></name></Patient>\n"
        let (out, rules) = joined(xml)
        XCTAssertEqual(out, "<?xml version=\"1.0\"?><Patient xmlns=\"http://hl7.org/fhir\"><text><div xmlns=\"http://www.w3.org/1999/xhtml\">a&#10;b&#13;&#10;c</div></text><name><text value=\"x&#10;y\"/></name></Patient>")
        XCTAssertEqual(rules, [])
    }

    func testCommentLineBreaksBecomeSpacesWithAWarning() {
        let (out, rules) = joined("<!-- one\r\ntwo\nthree --><Patient xmlns=\"http://hl7.org/fhir\"><!--\n--><id value=\"a\"/></Patient>")
        XCTAssertEqual(out, "<!-- one two three --><Patient xmlns=\"http://hl7.org/fhir\"><!-- --><id value=\"a\"/></Patient>")
        XCTAssertEqual(rules, ["xml.comment"])
    }

    func testTheJoinedFormReadsBackToTheSameTree() throws {
        let converter = Converter(pack: try SharedCorpus.definitionPack())
        let xml = "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"a\"/><text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a\nb</p>\n<p>c</p></div></text></Patient>"
        let original = try converter.convert(Data(xml.utf8), to: .json, pretty: false).bytes
        let once = try converter.convert(Data(joined(xml).0.utf8), to: .json, pretty: false).bytes
        XCTAssertEqual(String(decoding: once, as: UTF8.self), String(decoding: original, as: UTF8.self))
    }
}

/// The event code read from the direct converter's tokens is the one read from the tree, and the
/// one the XML text carries (`<event>` … `<code value="…"/>` of the first entry's MessageHeader).
final class MessageEventTests: XCTestCase {
    func testTheTokenAndTreeReadingsAgreeWithTheText() throws {
        let converter = Converter(pack: try SharedCorpus.definitionPack())
        let root = try SharedCorpus.require()
        var checked = 0
        for folder in ["corpus/nems-examples", "corpus/nhs-stu3-assets/Examples"] {
            for url in try SharedCorpus.files(folder, extension: "xml") {
                let xml = try Data(contentsOf: url)
                guard let json = try? converter.convert(xml, to: .json, pretty: false).bytes else { continue }
                let tree = MessageEvent.code(of: try converter.read(xml).root)
                let direct = try converter.convertMessage(Data(json), to: .xml, pretty: false).event
                XCTAssertEqual(direct, tree, url.lastPathComponent)
                XCTAssertEqual(tree, Self.textEvent(String(decoding: xml, as: UTF8.self)), url.lastPathComponent)
                if tree != nil { checked += 1 }
            }
        }
        XCTAssertGreaterThan(checked, 20, "messages with an event under \(root.path)")
    }

    /// The first `<code value="…"/>` inside the first `<event>`, when the first resource of the
    /// first entry is a MessageHeader.
    static func textEvent(_ xml: String) -> String? {
        guard let entry = xml.range(of: "<entry>"),
              let resource = xml.range(of: "<resource>", range: entry.upperBound..<xml.endIndex) else { return nil }
        let afterResource = xml[resource.upperBound...].drop { $0.isWhitespace }
        guard afterResource.hasPrefix("<MessageHeader"),
              let event = xml.range(of: "<event>", range: resource.upperBound..<xml.endIndex),
              let code = xml.range(of: "<code value=\"", range: event.upperBound..<xml.endIndex),
              let quote = xml[code.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(xml[code.upperBound..<quote])
    }
}
