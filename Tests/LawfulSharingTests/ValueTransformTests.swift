import XCTest
import Foundation
import FHIRModel
@testable import LawfulSharing

/// Keyed and value-level transforms against known answers.
final class ValueTransformTests: XCTestCase {
    let key = try! SharingKey(secret: Data("test key of thirty-two bytes....".utf8))

    func testHMACPseudonymIsRFC2104() throws {
        // The pseudonym is HMAC-SHA256 under a derived key: check the primitive against RFC 4231 case 2.
        let mac = KeyedTransforms.hex(KeyedTransforms.hmac("what do ya want for nothing?", .init(data: Data("Jefe".utf8))))
        XCTAssertEqual(mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let t = KeyedTransforms(key: key)
        XCTAssertEqual(t.pseudonym("9990000026"), t.pseudonym("9990000026"))
        XCTAssertNotEqual(t.pseudonym("9990000026"), KeyedTransforms(key: try SharingKey(secret: Data("another key, thirty-two bytes...".utf8))).pseudonym("9990000026"))
        XCTAssertEqual(t.pseudonym("x").count, 32)
        XCTAssertTrue(PolicyWalk.isUUID(t.pseudonymUUID("6f2a9d1c-3e4b-4c5d-9e6f-7a8b9c0d1e2f")))
    }

    func testEncryptionRoundTripsAndRefusesAnotherKeyOrContext() throws {
        let t = KeyedTransforms(key: key)
        let sealed = try t.encrypt("0113 496 0000", context: "value")
        XCTAssertEqual(try t.decrypt(sealed, context: "value"), "0113 496 0000")
        XCTAssertThrowsError(try t.decrypt(sealed, context: "family"))
        let other = KeyedTransforms(key: try SharingKey(secret: Data("another key, thirty-two bytes...".utf8)))
        XCTAssertThrowsError(try other.decrypt(sealed, context: "value"))
    }

    func testDateShiftKeepsPrecisionAndIsPerPerson() {
        let t = KeyedTransforms(key: key)
        let days = t.dateShiftDays(person: "nhs:9990000026", maximum: 60)
        XCTAssertTrue((1...60).contains(abs(days)))
        XCTAssertEqual(days, t.dateShiftDays(person: "nhs:9990000026", maximum: 60))
        XCTAssertEqual(ValueGeneralisation.shift("2020-02-28", days: 2), "2020-03-01")
        XCTAssertEqual(ValueGeneralisation.shift("2019-12-31T23:10:00+00:00", days: 1), "2020-01-01T23:10:00+00:00")
        XCTAssertEqual(ValueGeneralisation.shift("2019-03", days: -1), "2019-02")
        XCTAssertEqual(ValueGeneralisation.shift("2019", days: 400), "2020")
    }

    func testGeneralisations() {
        XCTAssertEqual(ValueGeneralisation.truncate("2019-03-14", toYear: false, isInstant: false), "2019-03")
        XCTAssertEqual(ValueGeneralisation.truncate("2019-03-14T10:00:00Z", toYear: true, isInstant: false), "2019")
        XCTAssertEqual(ValueGeneralisation.truncate("2019-03-14T10:00:00Z", toYear: false, isInstant: true), "2019-03-01T00:00:00Z")
        // Postcode districts (the outward code) as Royal Mail defines them.
        XCTAssertEqual(ValueGeneralisation.postcodeDistrict("LS1 4AP"), "LS1")
        XCTAssertEqual(ValueGeneralisation.postcodeDistrict("sw1a 1aa"), "SW1A")
        XCTAssertEqual(ValueGeneralisation.postcodeDistrict("M1 1AE"), "M1")
        XCTAssertNil(ValueGeneralisation.postcodeDistrict("not a postcode"))
        XCTAssertEqual(ValueGeneralisation.age(birth: "2018-03-15", at: "2023-03-14T10:00:00Z"), 4)
        XCTAssertEqual(ValueGeneralisation.bandLabel(age: 4, bands: [0, 1, 2, 5, 11, 16]), "2 to 4 years")
        XCTAssertEqual(ValueGeneralisation.bandLabel(age: 0, bands: [0, 1, 5]), "under 1 year")
        XCTAssertEqual(ValueGeneralisation.bandLabel(age: 17, bands: [0, 1, 5, 11, 16]), "16 years and over")
    }

    func testLinkageNormalisation() {
        let patient = { (nhs: String?, postcode: String) -> Element in
            var p = Element(name: "Patient", resourceType: "Patient")
            if let nhs { p.children.append(Element(name: "identifier", children: [Element(name: "system", value: "https://fhir.nhs.uk/Id/nhs-number"), Element(name: "value", value: nhs)])) }
            p.children.append(Element(name: "gender", value: "Female"))
            p.children.append(Element(name: "birthDate", value: "2019-03-14"))
            p.children.append(Element(name: "address", children: [Element(name: "postalCode", value: postcode)]))
            return p
        }
        XCTAssertEqual(LinkageToken.basis(ofPatient: patient("999 000 0026", "x"))?.text, "nhs:9990000026")
        XCTAssertEqual(LinkageToken.basis(ofPatient: patient(nil, "ls1 4ap"))?.text, "dob-postcode-sex:2019-03-14|LS14AP|female")
        // A wrong check digit is no NHS number: the fallback is used.
        XCTAssertEqual(LinkageToken.basis(ofPatient: patient("9990000027", "LS1 4AP"))?.kind, .demographics)
        let t = KeyedTransforms(key: key)
        XCTAssertEqual(LinkageToken.of(message: patient("9990000026", "A"), using: t), LinkageToken.of(message: patient("999-000-0026", "B"), using: t))
    }
}
