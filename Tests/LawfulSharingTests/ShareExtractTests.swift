import XCTest
import Foundation
@preconcurrency import Crypto
import CSV
import FHIRModel
import FHIRConversion
import FHIRPath
import ChildHealthEvents
import EventBuilder
import EventMapping
import DCHTestSupport
@testable import LawfulSharing

/// Issue 17's CSV extract: real `dch share --to csv` processes under the research policy. No
/// identifying value of an input reaches a row; the `linkage_token` column equals the token
/// recomputed here with swift-crypto from the README's rule (HKDF-SHA256 sub-key `dch-share/linkage`,
/// HMAC-SHA256 of the normalised basis); two extracts of other events of the same children join
/// on it one to one; another key gives other tokens.
final class ShareExtractTests: XCTestCase {
    static let keyBytes = Data("csv extract key, 32 bytes long!!".utf8)
    static let otherKeyBytes = Data("another key: not the study's one".utf8)
    static let policy = SharedCorpus.packageRoot.appendingPathComponent("Samples/policies/research-extract.yaml").path
    /// The common columns that identify the child, which token-only must leave empty.
    static let identifyingColumns = ["nhs_number", "given_name", "family_name", "birth_date", "postcode", "postcode_district", "event_id"]

    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-extract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.keyBytes.write(to: folder.appendingPathComponent("key"))
        try Self.otherKeyBytes.write(to: folder.appendingPathComponent("other-key"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    // MARK: - The token, computed apart from LawfulSharing

    /// HMAC-SHA256 of `basis` with the linkage sub-key HKDF-SHA256(key, info `dch-share/linkage`), 64 hex digits.
    static func expectedToken(basis: String, key: Data) -> String {
        let subkey = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: key), info: Data("dch-share/linkage".utf8), outputByteCount: 32)
        return HMAC<SHA256>.authenticationCode(for: Data(basis.utf8), using: subkey).map { String(format: "%02x", $0) }.joined()
    }

    /// The modulus 11 check digit of an NHS number's first nine digits (NHS Data Dictionary), nil when none exists.
    static func checkDigit(_ digits: [Int]) -> Int? {
        let check = 11 - (0..<9).reduce(0) { $0 + digits[$1] * (10 - $1) } % 11
        return check == 11 ? 0 : check == 10 ? nil : check
    }

    static func isValidNHSNumber(_ text: String) -> Bool {
        let digits = text.compactMap(\.wholeNumberValue)
        return text.count == 10 && digits.count == 10 && checkDigit(digits) == digits[9]
    }

    /// The README's basis of a Patient: `nhs:` + a valid NHS number, else `dob-postcode-sex:`.
    static func expectedBasis(of patient: Element) -> String? {
        for id in patient.children(named: "identifier") where id.child("system")?.value == "https://fhir.nhs.uk/Id/nhs-number" {
            let number = (id.child("value")?.value ?? "").replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "-", with: "")
            if isValidNHSNumber(number) { return "nhs:" + number }
        }
        guard let birth = patient.child("birthDate")?.value, birth.count >= 10 else { return nil }
        let addresses = patient.children(named: "address")
        let address = addresses.first { $0.child("use")?.value == "home" } ?? addresses.first
        let postcode = (address?.child("postalCode")?.value ?? "").uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard !postcode.isEmpty else { return nil }
        return "dob-postcode-sex:\(birth.prefix(10))|\(postcode)|\(patient.child("gender")?.value?.lowercased() ?? "unknown")"
    }

    /// A CSV file's header and rows, read with CSV.swift.
    static func csv(_ url: URL) throws -> (header: [String], rows: [[String]]) {
        guard let stream = InputStream(url: url) else { throw CocoaError(.fileReadNoSuchFile) }
        let reader = try CSVReader(stream: stream, hasHeaderRow: true)
        var rows: [[String]] = []
        while let row = reader.next() { rows.append(row) }
        return (reader.headerRow ?? [], rows)
    }

    // MARK: - Every corpus and generated message

    func testResearchExtractOverEveryCorpusAndGeneratedMessage() throws {
        let converter = try Converter()
        var corpus = try SharingProofTests.corpus(converter: converter)
        // Beside one generated message of every event, 3 more of each event a CSV mapping covers (every
        // event has one: enough for children to recur across event files, few enough for CI).
        let engine = FHIRPathEngine(pack: converter.pack)
        let catalogue = try MappingCatalogue(kind: "csv", fhirpath: engine, events: try EventCatalogue.shipped())
        let generator = MessageGenerator(pack: converter.pack, catalogue: try EventCatalogue.shipped())
        for event in generator.catalogue.events where catalogue.mapping(eventCode: event.eventCode, system: nil) != nil {
            for i in 0..<3 {
                let message = try generator.message(event: event, seed: 1700 + UInt64(i), index: i)
                corpus.messages.append(("generated-\(event.eventCode)-\(i).json", Data(try converter.write(message, format: .json).bytes)))
            }
        }
        var inputs: [String] = []
        for (i, message) in corpus.messages.enumerated() {
            let name = path(String(format: "m%04d.%@", i, message.name.hasSuffix(".xml") ? "xml" : "json"))
            try message.bytes.write(to: URL(fileURLWithPath: name))
            inputs.append(name)
        }
        let result = try DCHCommand.run(["share", "--policy", Self.policy, "--key-file", path("key"), "--to", "csv",
                                         "--audit", path("audit.ndjson"), "-o", path("out") + "/"] + inputs)
        // The only failures are events no CSV mapping covers (their messages are still audited).
        for line in result.stderr.split(separator: "\n") {
            XCTAssertTrue(line.contains("error: no CSV mapping for event"), String(line))
        }
        XCTAssertTrue([0, 1].contains(result.status), result.stderr)

        // Which messages give a row, and in which file: shared (not withheld) and of a mapped event.
        let sharer = MessageSharer(policy: try PolicyLoader(engine: engine).load(path: Self.policy), engine: engine,
                                   key: try SharingKey(secret: Self.keyBytes))
        var expected: [String: [Element]] = [:]
        var withheld = 0
        for message in corpus.messages {
            let root = try converter.read(message.bytes).root
            guard sharer.share(root).root != nil else { withheld += 1; continue }
            guard let coding = EventMappingEngine.eventCoding(of: root),
                  let mapping = catalogue.mapping(eventCode: coding.code, system: coding.system) else { continue }
            expected[mapping.eventCode, default: []].append(root)
        }

        let transforms = KeyedTransforms(key: try SharingKey(secret: Self.keyBytes))
        var rows = 0, tokens = 0, searched = 0, shiftedOntoBirthDate = 0
        var filesOfPerson: [String: Set<String>] = [:]
        for (event, inputs) in expected {
            let (header, table) = try Self.csv(folder.appendingPathComponent("out/\(event).csv"))
            XCTAssertEqual(table.count, inputs.count, "\(event): one row per shared message")
            let column = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            guard let tokenColumn = column["linkage_token"] else { return XCTFail("\(event): no linkage_token column") }
            for (row, input) in zip(table, inputs) {
                rows += 1
                for name in Self.identifyingColumns {
                    // Every file has the common columns; `event_id` only the events that carry an identifier.
                    guard let c = column[name] else { XCTAssertEqual(name, "event_id", "\(event): no \(name) column"); continue }
                    XCTAssertEqual(row[c], "", "\(event): \(name) is not empty")
                }
                // The token: the library's, and the one recomputed here, from the input.
                if let patient = LinkageToken.subjectPatient(of: input), let basis = Self.expectedBasis(of: patient) {
                    tokens += 1
                    XCTAssertEqual(row[tokenColumn], Self.expectedToken(basis: basis, key: Self.keyBytes), "\(event): token")
                    XCTAssertEqual(row[tokenColumn], LinkageToken.of(message: input, using: transforms)?.value)
                    filesOfPerson[basis, default: []].insert(event)
                } else {
                    XCTAssertEqual(row[tokenColumn], "", "\(event): a token without a basis")
                }
                // No identifying value of the input in any cell (the token is hex made by HMAC).
                for (kind, value) in SharingProofTests.identifyingValues(input) {
                    searched += 1
                    for (i, cell) in row.enumerated() where i != tokenColumn && cell.contains(value) {
                        // A shifted event date can land on the child's birth date; the birth date column itself is empty.
                        if kind == .birthDate, header[i].hasSuffix("_date") || header[i] == "message_sent" {
                            shiftedOntoBirthDate += 1
                        } else {
                            XCTFail("\(event): the \(kind) of the input is in column \(header[i])")
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(rows, 80 + 14)
        XCTAssertGreaterThanOrEqual(tokens, 80 + 12)
        XCTAssertGreaterThan(searched, 800)
        XCTAssertLessThan(shiftedOntoBirthDate, 3)
        // The same child in two event files carries the same token in both (each equals the one recomputed).
        XCTAssertTrue(filesOfPerson.values.contains { $0.count > 1 }, "no child in two event files")
        // Every message is audited, withheld ones included.
        let audit = try String(contentsOfFile: path("audit.ndjson"), encoding: .utf8)
        XCTAssertEqual(audit.components(separatedBy: "\"record\":\"message\"").count - 1, corpus.messages.count)
        print("csv extract: \(corpus.messages.count) messages, \(withheld) withheld, \(rows) rows, \(tokens) tokens, \(searched) values searched, "
              + "\(filesOfPerson.values.filter { $0.count > 1 }.count) children in more than one event file, \(shiftedOntoBirthDate) shifted onto a birth date")
    }

    // MARK: - Two extracts of the same children join on the token

    /// Children with valid test NHS numbers (999 range), each with a name and birth date of its own.
    static func children(_ count: Int) -> [(nhs: String, given: String, family: String, birth: String)] {
        var out: [(String, String, String, String)] = []
        var n = 1_000_000
        while out.count < count {
            n += 7
            let candidate = "999" + String(n).suffix(6)
            guard let check = checkDigit(candidate.compactMap(\.wholeNumberValue)) else { continue }
            let i = out.count
            out.append((candidate + String(check), "Child\(i)", "FAMILY\(i)", "2023-0\(1 + i % 9)-1\(i % 10)"))
        }
        return out
    }

    /// Builds messages from CSV rows with `dch map`, as a service's system would send them.
    func messages(csv: String, name: String) throws -> String {
        try csv.write(toFile: path(name + ".csv"), atomically: true, encoding: .utf8)
        let built = try DCHCommand.run(["map", "--from", "csv", "--to", "ndjson", "-o", path(name + ".ndjson"), path(name + ".csv")])
        XCTAssertEqual(built.status, 0, built.stderr)
        return path(name + ".ndjson")
    }

    func extract(_ input: String, key: String = "key", policy: String = ShareExtractTests.policy, jobs: Int = 1) throws -> (header: [String], rows: [[String]]) {
        let out = path("\(URL(fileURLWithPath: input).lastPathComponent)-\(key)-\(jobs).csv")
        let result = try DCHCommand.run(["share", "--policy", policy, "--key-file", path(key), "--to", "csv", "-j", "\(jobs)", "-o", out, input])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try Self.csv(URL(fileURLWithPath: out))
    }

    func testHealthAndMeasurementExtractsOfTheSameChildrenJoinOneToOne() throws {
        _ = try SharedCorpus.require()
        let children = Self.children(14)
        // Extract A: a vaccination of children 0..11, from the sample's row with each child's identity.
        let sample = try DCHCommand.run(["map", "--from", "xml", "--to", "csv", "Samples/nems-vaccination-new.xml"])
        let sampleTable = String(decoding: sample.stdout, as: UTF8.self).components(separatedBy: "\r\n")
        let vHeader = sampleTable[0].components(separatedBy: ",")
        var vaccinations = sampleTable[0] + "\r\n"
        for (i, child) in children.prefix(12).enumerated() {
            var cells = try XCTUnwrap(CSVReader(string: sampleTable[0] + "\n" + sampleTable[1], hasHeaderRow: true).next())
            for (column, value) in [("nhs_number", child.nhs), ("given_name", child.given), ("family_name", child.family),
                                    ("birth_date", child.birth), ("event_id", "IMM-\(i)")] {
                cells[vHeader.firstIndex(of: column)!] = value
            }
            vaccinations += cells.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\r\n"
        }
        // Extract B: measurements of children 13..2 (another event, another order, two children A lacks).
        var measurements = "event_code,message_event_type,nhs_number,given_name,family_name,sex,birth_date,postcode,sender_ods,sender_name,event_id,event_date,weight_kg,length_cm\r\n"
        for (i, child) in children.enumerated().reversed() where i >= 2 {
            measurements += "CH018,new,\(child.nhs),\(child.given),\(child.family),female,\(child.birth),LS1 4AP,Y12345,LEEDS CHILD HEALTH,GR-\(i),2024-05-02,5.120,58.5\r\n"
        }
        let a = try extract(try messages(csv: vaccinations, name: "vaccinations"))
        let bInput = try messages(csv: measurements, name: "measurements")
        let b = try extract(bInput)
        XCTAssertEqual(a.rows.count, 12)
        XCTAssertEqual(b.rows.count, 12)
        let aToken = a.header.firstIndex(of: "linkage_token")!, bToken = b.header.firstIndex(of: "linkage_token")!

        // The join: each of the ten children in both extracts matches exactly one row on the other side.
        let aTokens = a.rows.map { $0[aToken] }, bTokens = b.rows.map { $0[bToken] }
        XCTAssertEqual(Set(aTokens).count, 12)
        XCTAssertEqual(Set(bTokens).count, 12)
        let joined = Set(aTokens).intersection(bTokens)
        XCTAssertEqual(joined.count, 10)
        for (i, child) in children.enumerated() {
            let token = Self.expectedToken(basis: "nhs:" + child.nhs, key: Self.keyBytes)
            XCTAssertEqual(aTokens.filter { $0 == token }.count, i < 12 ? 1 : 0, "child \(i) in A")
            XCTAssertEqual(bTokens.filter { $0 == token }.count, i >= 2 ? 1 : 0, "child \(i) in B")
        }
        // Nothing identifying in either extract.
        for (table, name) in [(a, "A"), (b, "B")] {
            let text = table.rows.map { $0.joined(separator: ",") }.joined(separator: "\n")
            for child in children {
                for value in [child.nhs, child.given, child.family, child.birth] { XCTAssertFalse(text.contains(value), "\(name) holds \(value)") }
            }
            XCTAssertFalse(text.contains("LS1 4AP"))
            XCTAssertFalse(text.contains("IMM-") || text.contains("GR-"), "\(name) holds a local record number")
        }

        // A message the policy withholds gives no row (and is audited): here every vaccination.
        let yaml = try String(contentsOfFile: Self.policy, encoding: .utf8).replacingOccurrences(of: "events: all", with: "events: [CH018]")
        try yaml.write(toFile: path("growth-only.yaml"), atomically: true, encoding: .utf8)
        let both = try DCHCommand.run(["share", "--policy", path("growth-only.yaml"), "--key-file", path("key"), "--to", "csv",
                                       "--audit", path("both.ndjson"), "-o", path("both") + "/", path("vaccinations.ndjson"), bInput])
        XCTAssertEqual(both.status, 0, both.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("both")), ["CH018.csv"])
        XCTAssertEqual(try Self.csv(folder.appendingPathComponent("both/CH018.csv")).rows.map { $0[bToken] }, bTokens)
        let bothAudit = try String(contentsOfFile: path("both.ndjson"), encoding: .utf8)
        XCTAssertEqual(bothAudit.components(separatedBy: "\"outcome\":\"withheld\"").count - 1, 12)

        // Two jobs write the same bytes as one.
        let oneJob = try Data(contentsOf: URL(fileURLWithPath: path("measurements.ndjson-key-1.csv")))
        _ = try extract(bInput, jobs: 2)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("measurements.ndjson-key-2.csv"))), oneJob)

        // Another key: other tokens, none equal to the study key's.
        let other = try extract(bInput, key: "other-key")
        let otherTokens = other.rows.map { $0[bToken] }
        XCTAssertTrue(Set(otherTokens).isDisjoint(with: bTokens))
        for (i, child) in children.enumerated().reversed() where i >= 2 {
            XCTAssertTrue(otherTokens.contains(Self.expectedToken(basis: "nhs:" + child.nhs, key: Self.otherKeyBytes)))
        }
    }

    /// The README's worked example: the token of NHS number 9990000026 under the example study key.
    func testTheReadmeExampleToken() throws {
        let key = Data("example study key: keep it secret".utf8)
        XCTAssertEqual(Self.expectedToken(basis: "nhs:9990000026", key: key), "1ab163273c467fdef6ea6742fc776185c85aa15176482bc91f0e5bf8578da52d")
    }

    // MARK: - The other modes

    func testPseudonymisedCarriesThePolicysPseudonymAndNoInputValue() throws {
        _ = try SharedCorpus.require()
        let yaml = try String(contentsOfFile: Self.policy, encoding: .utf8).replacingOccurrences(of: "identifiers: token-only", with: "identifiers: pseudonymised")
        try yaml.write(toFile: path("pseudonymised.yaml"), atomically: true, encoding: .utf8)
        let children = Self.children(3)
        var csv = "event_code,message_event_type,nhs_number,given_name,family_name,sex,birth_date,postcode,sender_ods,sender_name,event_id,event_date,weight_kg,length_cm\r\n"
        for (i, child) in children.enumerated() {
            csv += "CH018,new,\(child.nhs),\(child.given),\(child.family),male,\(child.birth),DH1 3LE,Y12345,LEEDS CHILD HEALTH,GR-\(i),2024-05-02,5.120,58.5\r\n"
        }
        let table = try extract(try messages(csv: csv, name: "growth"), policy: path("pseudonymised.yaml"))
        let column = Dictionary(uniqueKeysWithValues: table.header.enumerated().map { ($1, $0) })
        let transforms = KeyedTransforms(key: try SharingKey(secret: Self.keyBytes))
        for (row, child) in zip(table.rows, children) {
            // The policy's pseudonym: HMAC-SHA256 with the pseudonym sub-key, first 128 bits.
            let subkey = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Self.keyBytes), info: Data("dch-share/pseudonym".utf8), outputByteCount: 32)
            let pseudonym = HMAC<SHA256>.authenticationCode(for: Data(child.nhs.utf8), using: subkey).prefix(16).map { String(format: "%02x", $0) }.joined()
            XCTAssertEqual(row[column["nhs_number"]!], pseudonym)
            XCTAssertEqual(row[column["nhs_number"]!], transforms.pseudonym(child.nhs))
            XCTAssertEqual(row[column["given_name"]!], "")
            XCTAssertEqual(row[column["family_name"]!], "")
            // The birth date moved (by 1 to 60 days), the postcode became its district.
            XCTAssertNotEqual(row[column["birth_date"]!], child.birth)
            XCTAssertEqual(row[column["birth_date"]!].count, 10)
            XCTAssertEqual(row[column["postcode"]!], "DH1")
            XCTAssertEqual(row[column["linkage_token"]!], Self.expectedToken(basis: "nhs:" + child.nhs, key: Self.keyBytes))
            XCTAssertFalse(row.joined(separator: ",").contains(child.nhs))
        }
    }

    func testColumnKindsAndFilterModes() throws {
        XCTAssertEqual(ExtractColumnKind.of(column: "linkage_token"), .linkageToken)
        for name in ["nhs_number", "given_name", "family_name", "birth_date", "postcode", "practitioner_family_name",
                     "practitioner_sds_id", "event_id", "address_line_1", "mother_nhs_number", "sender_phone"] {
            XCTAssertEqual(ExtractColumnKind.of(column: name), .personIdentifier, name)
        }
        XCTAssertEqual(ExtractColumnKind.of(column: "postcode_district"), .area)
        for name in ["event_code", "sex", "event_date", "vaccine_code", "sender_ods", "sender_name", "weight_kg"] {
            XCTAssertEqual(ExtractColumnKind.of(column: name), .other, name)
        }
        let columns = ["nhs_number", "given_name", "birth_date", "postcode", "postcode_district", "sex", "linkage_token"]
        let shared = Element(name: "Bundle")
        let transforms = KeyedTransforms(key: try SharingKey(secret: Self.keyBytes))
        let input = ["9990000026", "Amara", "2022-11-02", "LS1 4AP", "LS1", "female", ""]
        var row = ["9990000026", "amara", "2022-10-01", "LS1", "LS1", "female", "ab12"]
        ExtractRowFilter(columns: columns, identifiers: .asShared).filter(&row, inputRow: input, shared: shared, transforms: transforms)
        XCTAssertEqual(row, ["9990000026", "amara", "2022-10-01", "LS1", "LS1", "female", "ab12"])
        ExtractRowFilter(columns: columns, identifiers: .pseudonymised).filter(&row, inputRow: input, shared: shared, transforms: transforms)
        // Values as the input had them (in any case) go; transformed ones stay.
        XCTAssertEqual(row, ["", "", "2022-10-01", "LS1", "LS1", "female", "ab12"])
        ExtractRowFilter(columns: columns, identifiers: .tokenOnly).filter(&row, inputRow: [], shared: shared, transforms: transforms)
        XCTAssertEqual(row, ["", "", "", "", "", "female", "ab12"])
    }

    // MARK: - The policy's extract settings

    func testExtractSettingsAreCheckedWithLineNumbers() throws {
        let loader = PolicyLoader(engine: FHIRPathEngine(pack: try SharedCorpus.definitionPack()))
        func problems(_ extra: String) -> [String] {
            do {
                _ = try loader.load(yaml: PolicyLoaderTests.valid + "\n" + extra, file: "p.yaml")
                return []
            } catch {
                return (error as? PolicyError)?.problems.map(\.description) ?? ["\(error)"]
            }
        }
        let policy = try loader.load(yaml: PolicyLoaderTests.valid + "\nlinkage-token: true\nextract:\n  identifiers: token-only\n", file: "p.yaml")
        XCTAssertEqual(policy.extract.identifiers, .tokenOnly)
        XCTAssertEqual(try loader.load(yaml: PolicyLoaderTests.valid, file: "p.yaml").extract.identifiers, .asShared)
        XCTAssertEqual(problems("extract:\n  identifiers: token-only\n"),
                       ["p.yaml:15:16: error: extract.identifiers: token-only needs linkage-token: true (else the rows carry no token to join on)"])
        XCTAssertEqual(problems("extract:\n  identifiers: hashed\n"),
                       ["p.yaml:15:16: error: extract.identifiers: 'hashed' is not one of token-only, pseudonymised, as-shared"])
        XCTAssertEqual(problems("extract:\n  columns: [nhs_number]\n"),
                       ["p.yaml:15:3: error: extract.columns: unknown key; expected one of identifiers",
                        "p.yaml:15:3: error: extract.identifiers: missing (required)"])
    }
}
