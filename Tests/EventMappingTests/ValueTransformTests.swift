import XCTest
import EventMapping

/// The engine's named functions.
final class ValueTransformTests: XCTestCase {
    func testDatePatternsBothWays() throws {
        let pattern = try XCTUnwrap(DatePattern("dd/MM/yyyy"))
        XCTAssertEqual(try ValueTransform.date(pattern).apply("07/03/2024", .importing), "2024-03-07")
        XCTAssertEqual(try ValueTransform.date(pattern).apply("2024-03-07T10:30:00+00:00", .exporting), "07/03/2024")
        XCTAssertThrowsError(try ValueTransform.date(pattern).apply("2024-03-07", .importing))
        XCTAssertThrowsError(try ValueTransform.date(pattern).apply("31/13/2024", .importing))
        let withTime = try XCTUnwrap(DatePattern("yyyyMMddHHmm"))  // the HL7 v2 TS form
        XCTAssertEqual(try ValueTransform.date(withTime).apply("202403071030", .importing), "2024-03-07T10:30:00+00:00")
        XCTAssertNil(DatePattern("MM/yyyy"))
    }

    func testUTCMinuteFollowsTheOffset() throws {
        // 10:00:33 at +01:00 is 09:00:33 UTC (FHIR dateTime, ISO 8601 offsets).
        XCTAssertEqual(try ValueTransform.utcMinute.apply("2024-03-01T10:00:33+01:00", .exporting), "2024-03-01T09:00:00+00:00")
        XCTAssertEqual(try ValueTransform.utcMinute.apply("2024-03-01T00:30:00-02:00", .exporting), "2024-03-01T02:30:00+00:00")
        XCTAssertEqual(try ValueTransform.utcMinute.apply("2024-03-01T23:59:59.123Z", .exporting), "2024-03-01T23:59:00+00:00")
        XCTAssertThrowsError(try ValueTransform.utcMinute.apply("yesterday", .exporting))
    }

    func testPostcodeDistrictIsTheOutwardCode() throws {
        // A UK postcode is outward code + inward code (a digit and two letters).
        XCTAssertEqual(try ValueTransform.postcodeDistrict.apply("LS1 4AP", .exporting), "LS1")
        XCTAssertEqual(try ValueTransform.postcodeDistrict.apply("sw1a1aa", .exporting), "SW1A")
        XCTAssertEqual(try ValueTransform.postcodeDistrict.apply("DH1 2TF", .exporting), "DH1")
        XCTAssertEqual(try ValueTransform.postcodeDistrict.apply("M1 1AE", .exporting), "M1")
    }

    func testTranslateScaleDigitsDefault() throws {
        let sex = ValueTransform.translate(["M": "male", "F": "female"], otherwise: nil)
        XCTAssertEqual(try sex.apply("F", .importing), "female")
        XCTAssertThrowsError(try sex.apply("X", .importing)) { XCTAssertTrue("\($0)".contains("'X'")) }
        XCTAssertEqual(try ValueTransform.translate(["1": "one"], otherwise: "$value").apply("2", .importing), "2")
        XCTAssertEqual(try ValueTransform.scale(0.001).apply("3450", .importing), "3.45")
        XCTAssertThrowsError(try ValueTransform.scale(0.001).apply("heavy", .importing))
        XCTAssertEqual(try ValueTransform.digits.apply("943 476 5919", .importing), "9434765919")
        XCTAssertEqual(try ValueTransform.defaultValue("http://snomed.info/sct").apply(nil, .importing), "http://snomed.info/sct")
        XCTAssertEqual(try ValueTransform.trim.apply("  a b ", .importing), "a b")
        XCTAssertNil(try ValueTransform.upper.apply(nil, .importing))
    }

    func testCSVRowsFollowRFC4180() {
        // RFC 4180: fields with commas, quotes or line breaks are quoted, quotes doubled, CRLF ends a record.
        let bytes = CSVRowEncoder.encode(["plain", "a,b", "say \"hi\"", "two\nlines", "é"])
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",é\r\n")
    }
}
