import XCTest
@testable import FHIRValidation

/// Every primitive's lexical rule (FORMATS.md table), with valid and invalid examples and the
/// boundaries of ranges and the calendar.
final class LexicalTests: XCTestCase {
    func assertValid(_ type: PrimitiveType, _ values: [String], file: StaticString = #filePath, line: UInt = #line) {
        for v in values { XCTAssertNil(type.check(v), "\(type) '\(v)' should be valid", file: file, line: line) }
    }

    func assertInvalid(_ type: PrimitiveType, _ values: [String], as failure: LexicalFailure = .syntax,
                       file: StaticString = #filePath, line: UInt = #line) {
        for v in values {
            XCTAssertEqual(type.check(v), failure, "\(type) '\(v)' should fail with \(failure)", file: file, line: line)
        }
    }

    func testBoolean() {
        assertValid(.boolean, ["true", "false"])
        assertInvalid(.boolean, ["1", "0", "True", "FALSE", " true", "true ", "yes", "tru", "falsee", ""])
    }

    func testInteger() {
        assertValid(.integer, ["0", "1", "-1", "42", "2147483647", "-2147483648"])
        assertInvalid(.integer, ["+1", "01", "-01", "00", "1.0", "1e2", "", "-", " 1", "1 ", "0x10", "--1"])
        // The STU3 pattern `-?([0]|([1-9][0-9]*))` admits "-0".
        XCTAssertNil(PrimitiveType.integer.check("-0"))
        assertInvalid(.integer, ["2147483648", "-2147483649", "99999999999999999999999"], as: .range)
    }

    func testUnsignedInt() {
        assertValid(.unsignedInt, ["0", "1", "2147483647"])
        assertInvalid(.unsignedInt, ["-1", "+1", "01", "", "1.5"])
        assertInvalid(.unsignedInt, ["2147483648"], as: .range)
    }

    func testPositiveInt() {
        assertValid(.positiveInt, ["1", "9", "10", "2147483647"])
        assertInvalid(.positiveInt, ["0", "-1", "01", "+5", ""])
        assertInvalid(.positiveInt, ["2147483648"], as: .range)
    }

    func testDecimal() {
        assertValid(.decimal, ["0", "0.0", "1.50", "-1.5", "39.0", "123456789012345678901234567890.000001", "-0.001", "0.50"])
        assertInvalid(.decimal, ["1e2", "1E-2", "+1", "01", "00.5", "1.", ".5", "-", "", "1.5.1", "1,5", " 1", "NaN", "-.5"])
    }

    func testString() {
        assertValid(.string, ["a", "Ann\r\nLee", "\ttab", " edge ", "ünïcödé", String(repeating: "x", count: 1_048_576)])
        assertInvalid(.string, ["a\u{0B}b", "form\u{0C}feed"])
        assertInvalid(.string, [String(repeating: "x", count: 1_048_577)], as: .tooLong)
        // Multi-byte characters count once: 1048576 two-byte characters are still allowed.
        assertValid(.string, [String(repeating: "é", count: 1_048_576)])
        assertValid(.markdown, ["# Title\n\n* item"])
        assertInvalid(.markdown, [String(repeating: "y", count: 1_048_577)], as: .tooLong)
    }

    func testCode() {
        assertValid(.code, ["female", "169922007", "a b", "in-progress", "x", "a\tb"])
        assertInvalid(.code, [" 169922007", "169922007 ", "a  b", " ", "", "a\n\nb", "\tx"])
    }

    func testId() {
        assertValid(.id, ["a", "A-1.b", "6f2a9d1c-3e4b-4c5d-9e6f-7a8b9c0d1e2f", String(repeating: "a", count: 64)])
        assertInvalid(.id, ["", "a_b", "a b", "urn:uuid:1", "é", "a/b"])
        assertInvalid(.id, [String(repeating: "a", count: 65)], as: .tooLong)
    }

    func testURI() {
        assertValid(.uri, ["http://hl7.org/fhir", "urn:uuid:6f2a9d1c-3e4b-4c5d-9e6f-7a8b9c0d1e2f", "#frag", "Patient/1", "nhsNumber"])
        assertInvalid(.uri, ["", "http://a b", " http://a", "http://a\n", "a\tb"])
    }

    func testOID() {
        assertValid(.oid, ["urn:oid:1", "urn:oid:0", "urn:oid:2.16.840.1.113883", "urn:oid:1.0.3"])
        assertInvalid(.oid, ["urn:oid:", "urn:oid:01", "urn:oid:1.02", "urn:oid:1.", "urn:oid:.1", "1.2.3",
                             "URN:OID:1.2", "urn:oid:1..2", "urn:oid:1.a"])
    }

    func testUUID() {
        assertValid(.uuid, ["urn:uuid:6f2a9d1c-3e4b-4c5d-9e6f-7a8b9c0d1e2f", "urn:uuid:00000000-0000-0000-0000-000000000000"])
        assertInvalid(.uuid, ["urn:uuid:6F2A9D1C-3E4B-4C5D-9E6F-7A8B9C0D1E2F", "6f2a9d1c-3e4b-4c5d-9e6f-7a8b9c0d1e2f",
                              "urn:uuid:6f2a9d1c3e4b4c5d9e6f7a8b9c0d1e2f", "urn:uuid:6f2a9d1c-3e4b-4c5d-9e6f-7a8b9c0d1e2",
                              "urn:uuid:6f2a9d1c-3e4b-4c5d-9e6f-7a8b9c0d1e2fa", "urn:uuid:6f2a9d1g-3e4b-4c5d-9e6f-7a8b9c0d1e2f",
                              "urn:uuid:6f2a9d1c_3e4b-4c5d-9e6f-7a8b9c0d1e2f"])
    }

    func testBase64Binary() {
        assertValid(.base64Binary, ["AAAA", "YQ==", "YWI=", "YWJj", "a+/9", "YWJj\nZGVm", " YWJj ", "YW Jj"])
        assertInvalid(.base64Binary, ["YQ", "YQ=", "Y===", "YQ==YWJj", "YW=j", "YWJ!", "Y-_j", " ", "===="])
    }

    func testDate() {
        assertValid(.date, ["2017", "2017-02", "2017-02-28", "2016-02-29", "2000-02-29", "0900", "-0044-03-15", "2017-12-31"])
        assertInvalid(.date, ["2017-13", "2017-00", "17-01-01", "2017-1-01", "2017-01-1", "2017/01/01", "2017-01-01T10:00:00Z",
                              "2017-01-01Z", "2017-02-32", "", " 2017", "20170101"])
        assertInvalid(.date, ["2017-02-30", "2017-02-29", "1900-02-29", "2017-04-31", "2017-01-00", "2025-11-00"], as: .calendar)
    }

    func testDateTime() {
        assertValid(.dateTime, ["2017", "2017-02", "2017-02-28", "0900", "2017-01-01T10:00:00Z", "2017-01-01T10:00:00+01:00",
                                "2017-01-01T23:59:59.123-05:30", "2017-01-01T00:00:00+14:00", "2017-01-01T00:00:00-13:59"])
        assertInvalid(.dateTime, ["2017-01-01T10:00:00", "2017-01-01T10:00Z", "2017-01-01T10:00", "2017-01T10:00:00Z",
                                  "2017-01-01T24:00:00Z", "2017-01-01T10:60:00Z", "2017-01-01T10:00:60Z", "2017-01-01T10:00:00+14:01",
                                  "2017-01-01T10:00:00+15:00", "2017-01-01T10:00:00+0100", "2017-01-01 10:00:00Z",
                                  "2017-01-01T10:00:00.Z", "2017-13-01", ""])
        assertInvalid(.dateTime, ["2017-02-30T10:00:00Z", "2017-01-00", "2025-11-00T06:40:00+00:00"], as: .calendar)
    }

    func testTime() {
        assertValid(.time, ["00:00:00", "09:00:00", "23:59:59", "12:30:15.5"])
        assertInvalid(.time, ["24:00:00", "9:00:00", "09:00", "09:00:00Z", "09:00:00+01:00", "0900", "09:00:00.", ""])
    }

    func testInstant() {
        assertValid(.instant, ["2017-01-01T10:00:00Z", "2017-01-01T10:00:00.000+00:00", "2016-02-29T23:59:59-05:00"])
        assertInvalid(.instant, ["2017-01-01", "2017", "2017-01-01T10:00:00", "2017-01-01T10:00Z", "2017-01T10:00:00Z", ""])
        assertInvalid(.instant, ["2017-02-29T10:00:00Z"], as: .calendar)
    }

    func testEdges() {
        func edges(_ s: String) -> Lexical.Edges { Lexical.edges(s.utf8.span) }
        XCTAssertEqual(edges("abc"), .clean)
        XCTAssertEqual(edges("a b"), .clean)
        XCTAssertEqual(edges("UNIVERSITY HOSPITAL OF DURHAM "), .edgeWhitespace)
        XCTAssertEqual(edges(" x"), .edgeWhitespace)
        XCTAssertEqual(edges(" \t\r\n"), .whitespaceOnly)
    }
}
