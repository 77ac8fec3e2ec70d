import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import DCHTestSupport

/// Conversion over the whole corpus: official XML/JSON pairs must agree with our output, and every
/// message must survive round trips. Known disagreements inside official pairs are recorded here
/// with their reason (see ../shared/spec/FORMATS.md, traps T1-T4), never tolerated in the comparison.
final class CorpusConversionTests: XCTestCase {
    static let examples = "corpus/nhs-stu3-assets/Examples"

    /// T1: these official JSON files lack every `entry[i].resource.id` that their XML has.
    static func lacksEntryResourceIds(_ official: JSONValue) -> Bool {
        guard case let .array(entries)? = official["entry"] else { return false }
        return !entries.isEmpty && entries.allSatisfy { $0["resource"]?["id"] == nil }
    }

    /// T3/T4: content that really differs between the two official files of a pair, diff line by
    /// diff line: `xmlToJSON` compares our JSON (from the XML) with the official JSON, `jsonToXML`
    /// our XML (from the JSON) with the official XML, as trees.
    static let contentDisagreements: [String: (reason: String, xmlToJSON: Set<String>, jsonToXML: Set<String>)] = [
        "Consent-Example-1": ("T3: the two files carry different display texts", [
            #"$.extension[0].valueCodeableConcept.coding[0].display: "Online Process" vs "Online Portal""#,
        ], [
            #"Consent.extension[0].valueCodeableConcept[0].coding[0].display[0]: value Optional("Online Portal") vs Optional("Online Process")"#,
        ]),
        "Consent-Example-2": ("T3: the two files carry different display texts", [
            #"$.extension[0].valueCodeableConcept.coding[0].display: "Call Centre" vs "Contact Centre""#,
        ], [
            #"Consent.extension[0].valueCodeableConcept[0].coding[0].display[0]: value Optional("Contact Centre") vs Optional("Call Centre")"#,
        ]),
        "eRS-FetchServices-Example-1": ("T3: the extension url differs between the files", [
            #"$.entry[0].item.extension[0].extension[2].url: "supportedRequestFlowType" vs "requestFlowType""#,
            #"$.entry[1].item.extension[0].extension[2].url: "supportedRequestFlowType" vs "requestFlowType""#,
        ], [
            #"List.entry[0].item[0].extension[0].extension[2]: url Optional("requestFlowType") vs Optional("supportedRequestFlowType")"#,
            #"List.entry[1].item[0].extension[0].extension[2]: url Optional("requestFlowType") vs Optional("supportedRequestFlowType")"#,
        ]),
        "DCH-BirthDetails-Bundle-Example-1": ("T4: the official JSON writes numbers as strings; its XML is right and so is our JSON", [
            #"$.entry[3].resource.multipleBirthInteger: 1 vs "1""#,
            #"$.entry[4].resource.valueQuantity.value: 1 vs "1""#,
            #"$.entry[5].resource.component[0].valueQuantity.value: 40 vs "40""#,
            #"$.entry[5].resource.component[1].valueQuantity.value: 3 vs "3""#,
            #"$.entry[6].resource.valueQuantity.value: 8 vs "8""#,
            #"$.entry[7].resource.valueQuantity.value: 10 vs "10""#,
            #"$.entry[8].resource.valueQuantity.value: 10 vs "10""#,
        ], []),
    ]

    /// Official XML files whose elements are not in FHIR definition order (our XML writer restores
    /// the order, so their round trip equals the input only once the input is put in order).
    static let outOfDefinitionOrder: [String: String] = [
        "DCH-ProfessionalContact-Professional-Bundle-Example-1.xml": "PractitionerRole.code written before organization",
        "DCH-ProfessionalContact-Team-Bundle-Example-1.xml": "PractitionerRole.code written before organization",
        "PDS-Death-Notification-formal-ems-example.xml": "Communication.sent written before sender",
    ]

    /// T2: how the comments of an official pair really disagree.
    enum CommentDisagreement {
        /// The JSON has none of the XML's comments.
        case jsonHasNone(xmlComments: Int)
        /// The comments (text: count) only one of the two files has; all others agree.
        case differ(onlyInXML: [String: Int], onlyInJSON: [String: Int])
    }

    /// T2: official pairs whose comments disagree (a different count), each checked to still
    /// disagree in exactly the recorded way; every other pair must agree on every comment and its
    /// place.
    static let commentDisagreements: [String: (reason: String, how: CommentDisagreement)] = [
        "DCH-BirthDetails-Bundle-Example-1": ("the JSON has no comments", .jsonHasNone(xmlComments: 11)),
        "DCH-BloodSpotCardReceived-Bundle-Example-1": ("the JSON has no comments", .jsonHasNone(xmlComments: 6)),
        "DCH-BloodSpotSampleTaken-Bundle-Example-1": ("the JSON has no comments", .jsonHasNone(xmlComments: 8)),
        "DCH-BloodSpotTestOutcome-Bundle-Example-1": ("the JSON has no comments", .jsonHasNone(xmlComments: 15)),
        "DCH-FamilyHistory-Bundle-Example-1": ("the JSON has no comments", .jsonHasNone(xmlComments: 8)),
        "DCH-Medication-Bundle-Example-1": ("the JSON has no comments", .jsonHasNone(xmlComments: 10)),
        "DCH-PhysicalExamination-Bundle-Example-1": ("the JSON has no comments", .jsonHasNone(xmlComments: 11)),
        "DCH-PlanandRequestedActions-Bundle-Example-1": ("the JSON has no comments", .jsonHasNone(xmlComments: 10)),
        "DCH-AssessmentScales-Bundle-Example-1": ("the JSON drops the 2 comments before <contained>", .differ(
            onlyInXML: ["Contained Subscale 1 - Personal Social Score": 1, "Contained Subscale 2 - Communication Score": 1],
            onlyInJSON: [:])),
        "DCH-MedicationStatement-Bundle-Example-1-": (
            "the JSON copies the outer extension's comment into its 4 sub-extensions and drops 2 commented-out XML fragments",
            .differ(onlyInXML: [" <code  ": 1, " </valueCode> ": 1], onlyInJSON: ["Change details extension": 4])),
    ]

    /// T2: official JSON files whose multi-line comments lost their line breaks (same count, same
    /// places, and the same text once each line is trimmed and the lines joined).
    static let commentsWithoutLineBreaks: Set<String> = [
        "RARecord-Flag-1-example-2", "RARecord-Flag-1-example-3", "RARecord-Flag-1-example-4",
        "RARecord-Flag-1-example-5", "RARecord-Flag-1-example-6", "RARecord-Flag-1-example-7",
    ]

    /// What the official converter did to a multi-line comment: each line trimmed of spaces, lines joined.
    static func withoutLineBreaks(_ comment: String) -> String {
        comment.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined()
    }

    /// Official JSON files that are not valid STU3: converting them must fail, naming the element.
    static let invalidJSON: [String: (reason: String, path: String)] = [
        "Audit-Practitioner-Example-1b.json": ("uses the DSTU2 element Practitioner.practitionerRole", "Practitioner.practitionerRole"),
    ]

    var converter: Converter!

    override func setUpWithError() throws {
        _ = try SharedCorpus.require()
        converter = try Converter(pack: DefinitionPack(directory: SharedCorpus.schemas))
    }

    private func pairs() throws -> [(xml: URL, json: URL)] {
        let xmls = try SharedCorpus.files(Self.examples, extension: "xml")
        return xmls.compactMap { xml in
            let json = xml.deletingPathExtension().appendingPathExtension("json")
            return FileManager.default.fileExists(atPath: json.path) ? (xml, json) : nil
        }
    }

    private func stripping(_ v: JSONValue, comments: Bool, entryIds: Bool, depth: Int = 0) -> JSONValue {
        switch v {
        case let .object(members):
            return .object(members.compactMap { k, x in
                if comments && k == "fhir_comments" { return nil }
                if comments, k.hasPrefix("_"), case let .object(inner) = x, inner.allSatisfy({ $0.0 == "fhir_comments" }) { return nil }
                if entryIds && k == "entry", case let .array(items) = x {
                    return (k, .array(items.map { item in
                        guard case var .object(entry) = item, let r = entry.firstIndex(where: { $0.0 == "resource" }),
                              case let .object(res) = entry[r].1 else { return item }
                        entry[r].1 = .object(res.filter { $0.0 != "id" })
                        return stripping(.object(entry), comments: comments, entryIds: false)
                    }))
                }
                return (k, stripping(x, comments: comments, entryIds: false, depth: depth + 1))
            })
        case let .array(items):
            return .array(items.map { stripping($0, comments: comments, entryIds: false, depth: depth + 1) })
        default:
            return v
        }
    }

    private func comments(_ v: JSONValue) -> [String] {
        switch v {
        case let .object(m): return m.flatMap { k, x -> [String] in
            if k == "fhir_comments", case let .array(items) = x {
                return items.map { if case let .string(text) = $0 { return text } else { return $0.description } }
            }
            return comments(x)
        }
        case let .array(a): return a.flatMap(comments)
        default: return []
        }
    }

    /// The JSON value with every comment passed through `transform`.
    private func mappingComments(_ v: JSONValue, _ transform: (String) -> String) -> JSONValue {
        switch v {
        case let .object(m): return .object(m.map { k, x in
            if k == "fhir_comments", case let .array(items) = x {
                return (k, .array(items.map { if case let .string(text) = $0 { return .string(transform(text)) } else { return $0 } }))
            }
            return (k, mappingComments(x, transform))
        })
        case let .array(a): return .array(a.map { mappingComments($0, transform) })
        default: return v
        }
    }

    /// The tree with every comment passed through `transform`.
    private func mappingComments(_ e: Element, _ transform: (String) -> String) -> Element {
        var e = e
        e.comments = e.comments.map(transform)
        e.trailingComments = e.trailingComments.map(transform)
        e.children = e.children.map { mappingComments($0, transform) }
        return e
    }

    /// Checks that an official pair's comments disagree exactly as recorded: `xml` are the comments
    /// of (or converted from) the XML file, `json` those of (or converted from) the JSON file.
    private func assertRecordedDisagreement(_ how: CommentDisagreement, xml: [String], json: [String], _ name: String,
                                            file: StaticString = #filePath, line: UInt = #line) {
        var balance: [String: Int] = [:]
        for c in xml { balance[c, default: 0] += 1 }
        for c in json { balance[c, default: 0] -= 1 }
        let onlyXML = balance.filter { $0.value > 0 }, onlyJSON = balance.filter { $0.value < 0 }.mapValues { -$0 }
        switch how {
        case let .jsonHasNone(count):
            XCTAssertEqual(json, [], "\(name): recorded as a JSON without comments", file: file, line: line)
            XCTAssertEqual(xml.count, count, "\(name): recorded with \(count) XML comments", file: file, line: line)
        case let .differ(onlyInXML, onlyInJSON):
            XCTAssertEqual(onlyXML, onlyInXML, "\(name): comments only in the XML", file: file, line: line)
            XCTAssertEqual(onlyJSON, onlyInJSON, "\(name): comments only in the JSON", file: file, line: line)
        }
        XCTAssertNotEqual(xml.count, json.count, "\(name): recorded as disagreeing", file: file, line: line)
    }

    func testOfficialPairsXMLToJSONMatchOfficialJSON() throws {
        let pairs = try pairs()
        XCTAssertGreaterThanOrEqual(pairs.count, 49, "the corpus should hold 49 XML/JSON pairs")
        var checked = 0
        for (xml, json) in pairs {
            let name = xml.lastPathComponent
            let ours = try JSONValue.parse(converter.convert(Data(contentsOf: xml), to: .json).bytes)
            let official = try JSONValue.parse(Array(Data(contentsOf: json)))
            let idsMissing = Self.lacksEntryResourceIds(official) && !Self.lacksEntryResourceIds(ours)
            let stem = xml.deletingPathExtension().lastPathComponent
            var (oursToCompare, officialToCompare) = (ours, official)
            if let recorded = Self.commentDisagreements[stem] {
                // Comments compared as recorded; the rest of the content without them.
                assertRecordedDisagreement(recorded.how, xml: comments(ours), json: comments(official), name)
                (oursToCompare, officialToCompare) = (stripping(ours, comments: true, entryIds: false),
                                                      stripping(official, comments: true, entryIds: false))
            } else if Self.commentsWithoutLineBreaks.contains(stem) {
                XCTAssertNotEqual(comments(ours), comments(official), "\(stem): recorded as losing line breaks")
                (oursToCompare, officialToCompare) = (mappingComments(ours, Self.withoutLineBreaks),
                                                      mappingComments(official, Self.withoutLineBreaks))
            }
            // Every other pair: the same comments in the same places (a `fhir_comments` difference
            // is a difference like any other).
            let diffs = Set(jsonDifferences(stripping(oursToCompare, comments: false, entryIds: idsMissing),
                                            stripping(officialToCompare, comments: false, entryIds: idsMissing)))
            let known = Self.contentDisagreements[stem]?.xmlToJSON ?? []
            XCTAssertEqual(diffs, known, "\(name): XML->JSON differs from the official JSON:\n" + diffs.sorted().joined(separator: "\n"))
            checked += 1
        }
        XCTAssertEqual(checked, pairs.count)
    }

    /// The tree with every element's children in definition order (via the XML writer).
    private func inDefinitionOrder(_ tree: Element) throws -> Element {
        try converter.read(Data(converter.write(tree, format: .xml).bytes)).root
    }

    func testOfficialPairsJSONToXMLMatchOfficialXML() throws {
        for (xml, json) in try pairs() {
            let name = json.lastPathComponent
            let ours = try converter.read(Data(converter.convert(Data(contentsOf: json), to: .xml).bytes)).root
            var official = try converter.read(Data(contentsOf: xml)).root
            if Self.outOfDefinitionOrder[xml.lastPathComponent] != nil {
                let ordered = try inDefinitionOrder(official)
                XCTAssertNotEqual(treeDifferences(official, ordered), [], "\(xml.lastPathComponent): recorded as out of order")
                official = ordered
            }
            let stem = xml.deletingPathExtension().lastPathComponent
            var (oursTree, officialTree) = (ours, official)
            if let recorded = Self.commentDisagreements[stem] {
                assertRecordedDisagreement(recorded.how, xml: allComments(official), json: allComments(ours), name)
                (oursTree, officialTree) = (withoutComments(ours), withoutComments(official))
            } else if Self.commentsWithoutLineBreaks.contains(stem) {
                (oursTree, officialTree) = (mappingComments(ours, Self.withoutLineBreaks), mappingComments(official, Self.withoutLineBreaks))
            }
            if Self.lacksEntryResourceIds(try JSONValue.parse(Array(Data(contentsOf: json)))) {
                for i in officialTree.children.indices where officialTree.children[i].name == "entry" {
                    for j in officialTree.children[i].children.indices where officialTree.children[i].children[j].name == "resource" {
                        officialTree.children[i].children[j].children.removeAll { $0.name == "id" }
                    }
                }
            }
            // Comments compared with their places, like any other content.
            let diffs = Set(treeDifferences(oursTree, officialTree, comments: true))
            let known = Self.contentDisagreements[xml.deletingPathExtension().lastPathComponent]?.jsonToXML ?? []
            XCTAssertEqual(diffs, known, "\(name): JSON->XML differs from the official XML:\n" + diffs.sorted().joined(separator: "\n"))
        }
    }

    /// Every XML message (NEMS examples and all NHS examples): XML -> JSON -> XML gives the same
    /// tree (comments included, as a list), and JSON -> XML -> JSON gives the same bytes.
    func testEveryXMLMessageRoundTrips() throws {
        let files = try SharedCorpus.files("corpus/nems-examples", extension: "xml")
            + SharedCorpus.files(Self.examples, extension: "xml")
        XCTAssertGreaterThanOrEqual(files.count, 130)
        for file in files {
            let name = file.lastPathComponent
            var original = try converter.read(Data(contentsOf: file)).root
            if Self.outOfDefinitionOrder[name] != nil { original = try inDefinitionOrder(original) }
            let json = try converter.write(original, format: .json)
            let back = try converter.read(Data(json.bytes)).root
            let xml = try converter.write(back, format: .xml)
            let again = try converter.read(Data(xml.bytes)).root
            XCTAssertEqual(treeDifferences(withoutComments(original), withoutComments(again)), [], "\(name): XML->JSON->XML")
            XCTAssertEqual(allComments(original).sorted(), allComments(again).sorted(), "\(name): comments lost or changed")
            let json2 = try converter.write(again, format: .json)
            XCTAssertEqual(json.bytes, json2.bytes, "\(name): JSON->XML->JSON is not the identity")
        }
    }

    /// Every official JSON message: JSON -> XML -> JSON gives the same JSON values.
    func testEveryJSONMessageRoundTrips() throws {
        for file in try SharedCorpus.files(Self.examples, extension: "json") {
            let name = file.lastPathComponent
            let data = try Data(contentsOf: file)
            if let invalid = Self.invalidJSON[name] {
                XCTAssertThrowsError(try converter.convert(data, to: .xml), "\(name) \(invalid.reason)") { error in
                    let issue = (error as? IssuesError)?.issues.first
                    XCTAssertEqual(issue?.rule, "unknown-element")
                    XCTAssertEqual(issue?.path, invalid.path)
                    XCTAssertNotNil(issue?.position, "the error has a line:column")
                }
                continue
            }
            let xml = try converter.convert(data, to: .xml)
            let json = try converter.convert(Data(xml.bytes), to: .json)
            let original = try JSONValue.parse(Array(data))
            let back = try JSONValue.parse(json.bytes)
            let diffs = Set(jsonDifferences(back, original))
            // T4: numbers written as strings come back as numbers (the definitions say number).
            let stem = file.deletingPathExtension().lastPathComponent
            let expected = stem == "DCH-BirthDetails-Bundle-Example-1" ? Self.contentDisagreements[stem]?.xmlToJSON ?? [] : []
            XCTAssertEqual(diffs, expected, "\(name): JSON->XML->JSON changed values")
        }
    }
}
