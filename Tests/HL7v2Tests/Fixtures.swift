import HL7v2

/// Messages written for these tests (synthetic people, 999-range NHS numbers), each segment a
/// raw string so backslashes are the message's own.
enum Fixtures {
    /// An ADT^A28 in the shape of the HSCIC ITK ADT specification's sample (v2.4): MRN and NHS
    /// number in PID-3, trace status NSTS02 in PID-32, GP practice in PD1-3.
    static let a28Segments = [
        #"MSH|^~\&|PAS|RX1|CHIS|Y05|20240102030405||ADT^A28^ADT_A05|MSG00001|P|2.4|||AL|NE|GBR|UNICODE UTF-8"#,
        #"EVN|A28|20240102030405"#,
        #"PID|||8000002^^^RMW00^MR~9990500002^^^NHS^NH||SMITH^JANE^ANN^^MISS^^L||20230615|F|||1 HIGH STREET^^LEEDS^^LS1 4AP^GBR^H||01132345678^PRN^PH~^NET^Internet^jane@example.org|||||||||||||||||||NSTS02"#,
        #"PD1|||SAUGHALL PRACTICE^^81123|G9991234^DOCTOR^DAVID^^^DR"#,
        #"NK1|1|SMITH^MARY|MTH^Mother^HL70063"#,
        #"PV1|1|N"#,
    ]
    static var a28: String { a28Segments.joined(separator: "\r") + "\r" }

    /// A VXU^V04 (v2.5.1) with two OBX, an escaped value, a null and a repeated field.
    static let vxuSegments = [
        #"MSH|^~\&|GPSYS|A81001|CHIS|Y05|20240301101500+0000||VXU^V04^VXU_V04|VXU-77|P|2.5.1"#,
        #"PID|1||9449305552^^^NHS^NH||JONES^TOM||20231201|M|||""|"#,
        #"ORC|RE||IMM-1"#,
        #"RXA|0|1|20240301|20240301|39114911000001105^Bexsero^SCT|0.5|ml||00^New record^NIP001"#,
        #"RXR|IM^Intramuscular^HL70162|LT^Left thigh^HL70163"#,
        #"OBX|1|CE|30963-3^Vaccine funding source^LN||NHS^NHS funded^LOCAL||||||F"#,
        #"OBX|2|ST|NOTE^Note^L||Given by A\T\E \F\ clinic\.br\second line||||||F"#,
    ]
    static var vxu: String { vxuSegments.joined(separator: "\r") + "\r" }

    /// An ORU^R01 (v2.3.1) of a newborn hearing result.
    static let oruSegments = [
        #"MSH|^~\&|NHSP|RX1|CHIS|Y05|20240105||ORU^R01|ORU-5|P|2.3.1"#,
        #"PID|1||9990000018^^^NHS^NH||BROWN^BABY||20240101|M"#,
        #"OBR|1||HEAR-1|NHSP^Newborn hearing screen^L|||20240104"#,
        #"OBX|1|CE|LEFT^Left ear^L||CR^Clear response^L||||||F"#,
        #"OBX|2|CE|RIGHT^Right ear^L||NCR^No clear response^L||||||F"#,
    ]
    static var oru: String { oruSegments.joined(separator: "\r") + "\r" }

    /// Parses text that the test knows holds exactly one message.
    static func one(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> (HL7v2Message, HL7v2ParseResult) {
        let result = HL7v2Parser().parse(text)
        precondition(result.messages.count == 1, "expected one message, got \(result.messages.count): \(result.allIssues)")
        return (result.messages[0], result)
    }
}
