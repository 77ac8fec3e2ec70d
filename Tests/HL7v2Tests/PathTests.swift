import XCTest
import HL7v2

/// Reading by path, null versus empty, UK identifier conventions, leaves and usage.
final class PathTests: XCTestCase {
    func testPathSyntax() throws {
        let p = try HL7v2Path(parsing: "OBX[2]-5[3].4.1")
        XCTAssertEqual(p, HL7v2Path(segment: "OBX", occurrence: 2, field: 5, repetition: 3, component: 4, subcomponent: 1))
        XCTAssertEqual(p.description, "OBX[2]-5[3].4.1")
        XCTAssertEqual(HL7v2Path("PID-3").description, "PID-3")
        XCTAssertEqual(HL7v2Path("PV1").field, nil)
        XCTAssertEqual(HL7v2Path("ZU1-2.1").segment, "ZU1")
        for bad in ["", "PI", "pid-3", "PID-", "PID-0", "PID-3[0]", "PID-3.", "PID-3.1.2.3", "PID-3[2", "1ID-3", "PID3", "PID-3x"] {
            XCTAssertThrowsError(try HL7v2Path(parsing: bad), bad)
        }
    }

    func testRepetitionsComponentsSubcomponents() {
        let (m, _) = Fixtures.one(Fixtures.a28)
        XCTAssertEqual(m.raw(at: "PID-3"), "8000002^^^RMW00^MR~9990500002^^^NHS^NH")
        XCTAssertEqual(m.raw(at: "PID-3[2]"), "9990500002^^^NHS^NH")
        XCTAssertEqual(m.value(at: "PID-3"), "8000002", "a field read as one value is its first leaf")
        XCTAssertEqual(m.value(at: "PID-3[2].1"), "9990500002")
        XCTAssertEqual(m.value(at: "PID-3[2].4"), "NHS", "empty components keep their places: ^^^NHS^NH")
        XCTAssertEqual(m.value(at: "PID-3[2].5"), "NH")
        XCTAssertEqual(m.value(at: "PID-3.4"), "RMW00", "component of the first repetition")
        XCTAssertEqual(m.values(at: "PID-3.1"), ["8000002", "9990500002"])
        XCTAssertEqual(m.repetitionCount(at: "PID-3"), 2)
        XCTAssertEqual(m.value(at: "PID-5.1"), "SMITH")
        XCTAssertEqual(m.value(at: "PID-5.3"), "ANN")
        XCTAssertEqual(m.value(at: "PID-5.7"), "L")
        XCTAssertEqual(m.value(at: "PID-7"), "20230615")
        XCTAssertEqual(m.value(at: "PID-13[2].4"), "jane@example.org")
        XCTAssertEqual(m.value(at: "PID-13[2].3"), "Internet")
        XCTAssertEqual(m.value(at: "PID-32"), "NSTS02")
        XCTAssertEqual(m.value(at: "PD1-3.3"), "81123", "GP practice ODS code in XON.3 (2.4)")
        XCTAssertEqual(m.value(at: "PD1-4.1"), "G9991234")
        XCTAssertEqual(m.value(at: "NK1-3.1"), "MTH")
        XCTAssertEqual(m.value(at: "PV1-2"), "N")
        XCTAssertNil(m.value(at: "PID-3[3]"))
        XCTAssertNil(m.value(at: "PID-99"))
        XCTAssertNil(m.value(at: "ZZZ-1"))
        XCTAssertNil(m.raw(at: "PID-3[2].9"))

        let (oru, _) = Fixtures.one(Fixtures.oru)
        XCTAssertEqual(oru.value(at: "OBX-3.1"), "LEFT")
        XCTAssertEqual(oru.value(at: "OBX[2]-3.1"), "RIGHT")
        XCTAssertEqual(oru.value(at: "OBX[2]-5.2"), "No clear response")
        XCTAssertNil(oru.value(at: "OBX[3]-5"))
        XCTAssertEqual(oru.segments("OBX").count, 2)
        XCTAssertNil(oru.messageStructure, "MSH-9.3 is often missing before 2.4")

        let sub = Fixtures.one(#"MSH|^~\&|A|B|C|D|1||ADT^A01|1|P|2.5"# + "\r" + "PID|1||1^^^NHS&2.16.840.1.113883.2.1.4.1&ISO\r").0
        XCTAssertEqual(sub.value(at: "PID-3.4.1"), "NHS")
        XCTAssertEqual(sub.value(at: "PID-3.4.2"), "2.16.840.1.113883.2.1.4.1")
        XCTAssertEqual(sub.value(at: "PID-3.4.3"), "ISO")
        XCTAssertEqual(sub.value(at: "PID-3.4"), "NHS", "a component read as one value is its first subcomponent")
        XCTAssertEqual(sub.raw(at: "PID-3.4"), "NHS&2.16.840.1.113883.2.1.4.1&ISO")
    }

    /// `||` is not sent, `|""|` is null (delete the stored value) (HL7V2.md §1, trap 2).
    func testNullVersusEmpty() {
        let text = #"MSH|^~\&|A|B|C|D|1||ADT^A08|1|P|2.4"# + "\r" + #"PID|1||X||""|""^JOHN||F^Female|||||~""~||"# + "\r"
        let (m, _) = Fixtures.one(text)
        XCTAssertEqual(m.content(at: "PID-4"), .absent)
        XCTAssertEqual(m.content(at: "PID-5"), .null)
        XCTAssertEqual(m.content(at: "PID-6"), .null, "the first component is null")
        XCTAssertEqual(m.content(at: "PID-6.1"), .null)
        XCTAssertEqual(m.content(at: "PID-6.2"), .value("JOHN"))
        XCTAssertNil(m.value(at: "PID-5"))
        XCTAssertEqual(m.content(at: "PID-8"), .value("F"), "F^Female read where a primitive is expected: component 1")
        XCTAssertEqual(m.content(at: "PID-13[1]"), .absent)
        XCTAssertEqual(m.content(at: "PID-13[2]"), .null)
        XCTAssertEqual(m.content(at: "PID-13[3]"), .absent)
        XCTAssertEqual(m.repetitionCount(at: "PID-13"), 3, "~~ keeps empty repetitions")
        XCTAssertEqual(m.content(at: "PID-30"), .absent, "trailing fields left out are absent")
        let vxu = Fixtures.one(Fixtures.vxu).0
        XCTAssertEqual(vxu.content(at: "PID-11"), .null)
        XCTAssertEqual(vxu.content(at: "PID-12"), .absent)
    }

    func testIdentifierHelpers() {
        let (m, _) = Fixtures.one(Fixtures.a28)
        XCTAssertEqual(m.nhsNumber, HL7v2Identifier(repetition: 2, id: "9990500002", assigningAuthority: "NHS",
                                                     assigningAuthorityUniversalID: nil, typeCode: "NH"))
        XCTAssertEqual(m.repetition(of: "PID-3", whereComponent: 4, equals: "NHS"), 2)
        XCTAssertEqual(m.repetition(of: "PID-3", whereComponent: 5, equals: "MR"), 1)
        XCTAssertNil(m.repetition(of: "PID-3", whereComponent: 5, equals: "XX"))
        XCTAssertEqual(m.identifiers(at: "PID-3").map(\.id), ["8000002", "9990500002"])
        XCTAssertEqual(m.identifiers(at: "PID-3").map(\.assigningAuthority), ["RMW00", "NHS"])
        // The OID form of the authority (trap 11).
        let oid = Fixtures.one(#"MSH|^~\&|A|B|C|D|1||ADT^A01|1|P|2.5"# + "\r" + "PID|1||633^^^R0A^MR~9449305552^^^&2.16.840.1.113883.2.1.4.1&ISO\r").0
        XCTAssertEqual(oid.nhsNumber?.id, "9449305552")
        XCTAssertEqual(oid.nhsNumber?.repetition, 2)
        XCTAssertNil(Fixtures.one(#"MSH|^~\&|A|B|C|D|1||ADT^A01|1|P|2.5"# + "\rPID|1||633^^^R0A^MR\r").0.nhsNumber)
    }

    /// Every populated leaf with a stable path; MSH-1 and MSH-2 are not data.
    func testLeaves() {
        let text = #"MSH|^~\&|A||||||ADT^A01|7|P|2.5"# + "\r" + #"PID|1||9449305552^^^NHS^NH~X&Y||""|A\S\B"# + "\r"
        let (m, _) = Fixtures.one(text)
        let leaves = m.leaves()
        XCTAssertEqual(leaves.map(\.path.description), [
            "MSH-3[1].1.1", "MSH-9[1].1.1", "MSH-9[1].2.1", "MSH-10[1].1.1", "MSH-11[1].1.1", "MSH-12[1].1.1",
            "PID-1[1].1.1", "PID-3[1].1.1", "PID-3[1].4.1", "PID-3[1].5.1", "PID-3[2].1.1", "PID-3[2].1.2",
            "PID-5[1].1.1", "PID-6[1].1.1",
        ])
        XCTAssertEqual(leaves.map(\.content).suffix(3), [.value("Y"), .null, .value("A^B")])
        XCTAssertEqual(leaves.last?.raw, #"A\S\B"#)
        let second = Fixtures.one(Fixtures.oru).0.leaves().first { $0.segmentID == "OBX" && $0.occurrence == 2 }
        XCTAssertEqual(second?.path.description, "OBX[2]-1[1].1.1")
    }

    /// Marking what a mapping read leaves the rest for `--report`.
    func testUsage() {
        let (m, _) = Fixtures.one(Fixtures.oru)
        var usage = HL7v2Usage()
        usage.markUsed("MSH", in: m)
        XCTAssertEqual(m.value(at: "PID-3.1", marking: &usage), "9990000018")
        usage.markUsed("PID-5", in: m)
        usage.markUsed("OBX-5.1", in: m)
        usage.markUsed("OBX[2]", in: m)
        usage.markUsed("OBR-4[1]", in: m)
        XCTAssertNil(m.value(at: "PID-30", marking: &usage), "absent: nothing marked")
        let unused = usage.unusedLeaves(in: m).map(\.path.description)
        XCTAssertEqual(unused, [
            "PID-1[1].1.1", "PID-3[1].4.1", "PID-3[1].5.1", "PID-7[1].1.1", "PID-8[1].1.1",
            "OBR-1[1].1.1", "OBR-3[1].1.1", "OBR-7[1].1.1",
            "OBX-1[1].1.1", "OBX-2[1].1.1", "OBX-3[1].1.1", "OBX-3[1].2.1", "OBX-3[1].3.1", "OBX-5[1].2.1",
            "OBX-5[1].3.1", "OBX-11[1].1.1",
        ])
        let leaf = m.leaves().first { $0.path.description == "OBX-5[1].2.1" }!
        XCTAssertFalse(usage.isUsed(leaf.position))
        usage.markUsed(leaf.position)
        XCTAssertTrue(usage.isUsed(leaf.position))
    }

    func testBuildingMessages() throws {
        var m = HL7v2Message()
        try m.setValue("ADT", at: "MSH-9.1")
        try m.setValue("A28", at: "MSH-9.2")
        try m.setValue("2.5.1", at: "MSH-12")
        try m.setValue("9449305552", at: "PID-3[2].1")
        try m.setValue("NHS", at: "PID-3[2].4")
        try m.setValue("O'Neil & Sons | ^~", at: "PID-5.1")
        try m.setValue("R0A", at: "PID-3.4.1")
        m.setNull(at: "PID-8")
        try m.setValue("first", at: "OBX[2]-5")
        XCTAssertEqual(m.segments.map(\.id), ["MSH", "PID", "OBX", "OBX"])
        XCTAssertEqual(m.segments[1].fields[3], "^^^R0A~9449305552^^^NHS")
        XCTAssertEqual(m.raw(at: "PID-5"), #"O'Neil \T\ Sons \F\ \S\\R\"#)
        XCTAssertEqual(m.value(at: "PID-5"), "O'Neil & Sons | ^~")
        XCTAssertEqual(m.content(at: "PID-8"), .null)
        XCTAssertEqual(m.value(at: "OBX[2]-5"), "first")
        XCTAssertEqual(HL7v2Writer().text(m),
                       "MSH|^~\\&|||||||ADT^A28|||2.5.1\rPID|||^^^R0A~9449305552^^^NHS||O'Neil \\T\\ Sons \\F\\ \\S\\\\R\\|||\"\"\rOBX\rOBX|||||first\r")
        try m.setValue(nil, at: "PID-5")
        XCTAssertEqual(m.content(at: "PID-5"), .absent)
    }
}
