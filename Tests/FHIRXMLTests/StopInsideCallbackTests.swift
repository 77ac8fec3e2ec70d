import XCTest
import FHIRModel
@testable import FHIRXML

/// The reader stops after `maxErrors` errors. Stopping libxml2 frees its input, which the current
/// callback's attribute pointers point into, so the stop waits until the callback has returned
/// (found by FuzzValidate: the 1,000th error was a narrative element's namespace, and its
/// attributes were then read from freed memory; AddressSanitizer runs of this test catch a
/// regression, `scripts/sanitize address StopInsideCallbackTests`).
final class StopInsideCallbackTests: XCTestCase {
    func testTheErrorLimitReachedInsideANarrativeElementStopsCleanly() {
        let limit = SAXTreeBuilder.maxErrors
        let foreign = String(repeating: #"<f:x xmlns:f="urn:other" a="one &amp; two" b="three"/>"#, count: limit + 5)
        let text = #"<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">"#
            + foreign + "</div></text></Patient>"
        let issues = readFailure(text)
        XCTAssertEqual(issues.filter { $0.rule == XMLRule.namespace.rawValue }.count, limit)
        XCTAssertEqual(issues.last?.rule, XMLRule.tooManyErrors.rawValue)
        XCTAssertEqual(issues.count, limit + 1, "nothing is read after the stop")
    }
}
