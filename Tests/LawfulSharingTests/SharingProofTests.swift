import XCTest
import Foundation
import FHIRModel
import FHIRConversion
import FHIRPath
import ChildHealthEvents
import EventBuilder
import MessageChecking
import DCHTestSupport
@testable import LawfulSharing

/// The proof of issue 17: each sample policy over every corpus message and a generated message of
/// every catalogue event. Every identifying value of the input is searched for in the output bytes
/// and must be absent unless the policy keeps that kind of value; what the policy keeps is there
/// unchanged; pseudonyms and linkage tokens depend only on the person and the key; every output
/// validates with zero structure errors.
final class SharingProofTests: XCTestCase {
    /// The kinds of identifying value, as the proof searches for them.
    enum Kind: String, CaseIterable {
        case nhsNumber, name, birthDate, addressLine, postcode, telecom, localIdentifier
    }

    struct Sample {
        let policy: String
        let keeps: Set<Kind>
    }

    static let samples = [
        Sample(policy: "school-nurse", keeps: [.nhsNumber, .name, .birthDate]),
        Sample(policy: "social-care", keeps: [.nhsNumber, .name, .birthDate, .addressLine, .postcode]),
        Sample(policy: "research-extract", keeps: []),
    ]

    static let key = try! SharingKey(secret: Data("proof key: thirty-two bytes long".utf8))

    /// The identifying values of a message: of the people in it (Patient, RelatedPerson,
    /// Practitioner, the NEMS routing demographics), and the record numbers of its resources.
    static func identifyingValues(_ root: Element) -> [(Kind, String)] {
        var found: [(Kind, String)] = []
        func person(_ e: Element) {
            for n in e.children(named: "name") + e.children(named: "valueHumanName") {
                for part in n.children where ["family", "given", "text"].contains(part.name) { if let v = part.value { found.append((.name, v)) } }
            }
            if let b = e.child("birthDate")?.value { found.append((.birthDate, b)) }
            for a in e.children(named: "address") {
                for l in a.children(named: "line") { if let v = l.value { found.append((.addressLine, v)) } }
                if let p = a.child("postalCode")?.value { found.append((.postcode, p)) }
            }
            for t in e.children(named: "telecom") { if let v = t.child("value")?.value { found.append((.telecom, v)) } }
        }
        func visit(_ e: Element) {
            if let type = e.resourceType {
                if ["Patient", "RelatedPerson", "Practitioner"].contains(type) { person(e) }
                if !["Organization", "Location", "HealthcareService", "Endpoint", "Device"].contains(type) {
                    for id in e.children(named: "identifier") {
                        guard let v = id.child("value")?.value else { continue }
                        let nhs = id.child("system")?.value == NHSNumber.system
                        found.append((nhs ? .nhsNumber : .localIdentifier, v))
                    }
                }
            }
            if e.url == EventMessage.routingDemographicsURL {
                for item in e.children where item.name == "extension" {
                    for c in item.children {
                        if c.name == "valueIdentifier", let v = c.child("value")?.value { found.append((.nhsNumber, v)) }
                        if c.name == "valueHumanName" { person(Element(name: "p", children: [c])) }
                    }
                }
            }
            e.children.forEach(visit)
        }
        visit(root)
        // Values too short to stand for anyone (a one-letter initial) are not searched, nor
        // vocabulary that the generator uses as filler (a local identifier 'Not recorded' that is
        // also a coding's display in the message).
        var displays = Set<String>()
        func collectDisplays(_ e: Element) {
            if e.name == "display", let v = e.value { displays.insert(v) }
            e.children.forEach(collectDisplays)
        }
        collectDisplays(root)
        return found.filter { $0.1.count >= 3 && !displays.contains($0.1) }
    }

    struct Corpus {
        var messages: [(name: String, bytes: Data)] = []
    }

    static func corpus(converter: Converter) throws -> Corpus {
        var c = Corpus()
        for folder in ["corpus/nems-examples", "corpus/nhs-stu3-assets/Examples"] {
            for ext in ["xml", "json"] {
                for url in try SharedCorpus.files(folder, extension: ext) {
                    let data = try Data(contentsOf: url)
                    guard (try? converter.read(data))?.root.resourceType == "Bundle" else { continue }
                    c.messages.append((url.lastPathComponent, data))
                }
            }
        }
        let pack = converter.pack
        let generator = MessageGenerator(pack: pack, catalogue: try EventCatalogue.shipped())
        for (i, event) in generator.catalogue.events.enumerated() {
            let message = try generator.message(event: event, seed: 17, index: i)
            c.messages.append(("generated-\(event.eventCode).json", Data(try converter.write(message, format: .json).bytes)))
        }
        return c
    }

    func testEverySamplePolicyOverCorpusAndGeneratedMessages() throws {
        let converter = try Converter()
        let engine = FHIRPathEngine(pack: converter.pack)
        let checker = try MessageChecker(options: CheckOptions(profiles: [], schema: nil, eventRules: false))
        let corpus = try Self.corpus(converter: converter)
        XCTAssertGreaterThan(corpus.messages.count, 200)
        var searched = 0, shared = 0, kept = 0, shiftedOntoBirthDate = 0
        for sample in Self.samples {
            let path = SharedCorpus.packageRoot.appendingPathComponent("Samples/policies/\(sample.policy).yaml").path
            let policy = try PolicyLoader(engine: engine).load(path: path)
            let sharer = MessageSharer(policy: policy, engine: engine, key: Self.key)
            let audit = SharingAudit()
            for message in corpus.messages {
                let decoded = try converter.read(message.bytes)
                let outcome = sharer.share(decoded.root)
                let auditBytes = try audit.lines(for: outcome, input: .hashed(message.name, position: 1, using: KeyedTransforms(key: Self.key)),
                                                 message: 0, policy: policy)
                let values = Self.identifyingValues(decoded.root)
                // The audit never holds an identifying value, whatever the policy keeps.
                for (kind, value) in values {
                    XCTAssertNil(auditBytes.range(of: Data(value.utf8)), "\(sample.policy) \(message.name): the audit holds a \(kind)")
                }
                guard let root = outcome.root else { continue }
                shared += 1
                let output = Data(try converter.write(root, format: decoded.format).bytes)
                let outputPatient = LinkageToken.subjectPatient(of: root)
                for (kind, value) in values where !sample.keeps.contains(kind) {
                    searched += 1
                    guard output.range(of: Data(value.utf8)) != nil else { continue }
                    // Under a date shift another date of the child's record can land on the birth
                    // date; the birth date itself must then have moved by the child's shift.
                    if kind == .birthDate, sample.policy == "research-extract", let birth = outputPatient?.child("birthDate")?.value,
                       birth != value, birth == ValueGeneralisation.shift(value, days: KeyedTransforms(key: Self.key).dateShiftDays(
                           person: LinkageToken.subjectPatient(of: decoded.root).flatMap(LinkageToken.basis(ofPatient:))?.text ?? "no-person", maximum: 60)) {
                        shiftedOntoBirthDate += 1
                        continue
                    }
                    XCTFail("\(sample.policy) \(message.name): a \(kind) is in the output")
                }
                // What the policy keeps stays unchanged: the patient's kept items, and the event code.
                let patient = LinkageToken.subjectPatient(of: decoded.root)
                for (kind, value) in values where sample.keeps.contains(kind) && kind == .nhsNumber {
                    if patient.map({ Self.identifyingValues($0).contains { $0.1 == value } }) == true {
                        kept += 1
                        XCTAssertNotNil(output.range(of: Data(value.utf8)), "\(sample.policy) \(message.name): the kept NHS number is missing")
                    }
                }
                if let event = outcome.event { XCTAssertNotNil(output.range(of: Data(event.utf8)), "\(message.name): event code lost") }
                // Zero structure errors.
                // Zero structure errors; a value error only where the input has the same one
                // (official examples with `[baseURL]` fullUrls or a code with a leading space).
                let report = checker.check(output, name: message.name)
                let inputRules = Set(checker.check(message.bytes, name: message.name).issues.filter { $0.severity >= .error }.map(\.rule))
                let structural = report.issues.filter {
                    $0.severity >= .error && ($0.rule.hasPrefix("struct.") || $0.rule.hasPrefix("read")
                                              || ($0.rule.hasPrefix("value.") && !inputRules.contains($0.rule)))
                }
                XCTAssertEqual(structural.map(\.description), [], "\(sample.policy) \(message.name)")
            }
        }
        XCTAssertGreaterThan(shared, 400)
        XCTAssertGreaterThan(searched, 2000)
        XCTAssertGreaterThan(kept, 50)
        print("sharing proof: \(corpus.messages.count) messages × 3 policies, \(shared) shared, \(searched) identifying values searched, \(kept) kept NHS numbers found, \(shiftedOntoBirthDate) shifted dates on a birth date")
    }

    func testAnIndependentCopyOnAnotherThreadGivesTheSameOutcomes() throws {
        let converter = try Converter()
        let engine = FHIRPathEngine(pack: converter.pack)
        let policy = try PolicyLoader(engine: engine).load(path: SharedCorpus.packageRoot.appendingPathComponent("Samples/policies/research-extract.yaml").path)
        let sharer = MessageSharer(policy: policy, engine: engine, key: Self.key)
        let copy = sharer.independentCopy(over: try converter.pack.independentCopy())
        XCTAssertFalse(copy.engine === sharer.engine)
        XCTAssertEqual(copy.policy.rules.map(\.select.text), policy.rules.map(\.select.text))
        let generator = MessageGenerator(pack: converter.pack, catalogue: try EventCatalogue.shipped())
        let messages = try generator.catalogue.events.enumerated().map { try generator.message(event: $1, seed: 3, index: $0) }
        // Both at once, each on its own thread, as dch share --jobs 2 runs them.
        let results = SharedResults(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let s = worker == 0 ? sharer : copy
            results.set(worker, messages.map { s.share($0) })
        }
        let (mine, theirs) = (results.value(0), results.value(1))
        XCTAssertEqual(mine.count, messages.count)
        XCTAssertEqual(mine.compactMap(\.root).count, messages.count)
        XCTAssertEqual(mine.map(\.root), theirs.map(\.root))
        XCTAssertEqual(mine.map { $0.decisions.map(\.path) }, theirs.map { $0.decisions.map(\.path) })
        XCTAssertEqual(mine.map(\.linkageToken), theirs.map(\.linkageToken))
    }

    /// Results filled in by concurrent workers, one slot each.
    final class SharedResults: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [[SharingOutcome]]
        init(count: Int) { slots = Array(repeating: [], count: count) }
        func set(_ i: Int, _ outcomes: [SharingOutcome]) { lock.withLock { slots[i] = outcomes } }
        func value(_ i: Int) -> [SharingOutcome] { lock.withLock { slots[i] } }
    }

    func testSamePersonSamePseudonymAndTokenAnotherKeyDifferent() throws {
        let converter = try Converter()
        let engine = FHIRPathEngine(pack: converter.pack)
        let path = SharedCorpus.packageRoot.appendingPathComponent("Samples/policies/research-extract.yaml").path
        let policy = try PolicyLoader(engine: engine).load(path: path)
        let xml = try converter.read(Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml"))).root
        let json = try converter.read(Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.json"))).root
        let a = MessageSharer(policy: policy, engine: engine, key: Self.key)
        let b = MessageSharer(policy: policy, engine: engine, key: try SharingKey(secret: Data("a different key, also 32 bytes..".utf8)))
        let fromXML = a.share(xml), fromJSON = a.share(json), otherKey = b.share(xml)
        // XML and JSON inputs of one message give the same tree.
        XCTAssertEqual(fromXML.root, fromJSON.root)
        let token = try XCTUnwrap(fromXML.linkageToken)
        XCTAssertEqual(token.basis, .nhsNumber)
        XCTAssertEqual(token, fromJSON.linkageToken)
        XCTAssertNotEqual(token, otherKey.linkageToken)
        let pseudonym = { (o: SharingOutcome) -> String? in
            o.root.flatMap(LinkageToken.subjectPatient)?.children(named: "identifier")
                .first { $0.child("system")?.value == "urn:dch:pseudonym:nhs-number" }?.child("value")?.value
        }
        XCTAssertEqual(pseudonym(fromXML), KeyedTransforms(key: Self.key).pseudonym("9990000026"))
        XCTAssertNotEqual(pseudonym(fromXML), pseudonym(otherKey))
        // The same child in a generated message of another event gets the same token.
        var other = json
        other.children.removeAll { $0.name == "id" }
        XCTAssertEqual(a.share(other).linkageToken, token)
        // References still resolve: every reference names a fullUrl of the output.
        let root = try XCTUnwrap(fromXML.root)
        let fullUrls = Set(root.children(named: "entry").compactMap { $0.child("fullUrl")?.value })
        var references: [String] = []
        func collect(_ e: Element) { if e.name == "reference", let v = e.value { references.append(v) }; e.children.forEach(collect) }
        collect(root)
        XCTAssertFalse(references.isEmpty)
        for r in references { XCTAssertTrue(fullUrls.contains(r), r) }
    }

    func testConsentRefusalWithholdsAndTheAuditSaysSo() throws {
        let converter = try Converter()
        let engine = FHIRPathEngine(pack: converter.pack)
        let url = try SharedCorpus.require().appendingPathComponent("corpus/nhs-stu3-assets/Examples/DCH-EarlyYearsProgress-Bundle-Example-1.json")
        let given = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(given.contains("\"code\": \"Y\""))
        let refused = given.replacingOccurrences(of: "\"code\": \"Y\"", with: "\"code\": \"N\"")
        let policy = try PolicyLoader(engine: engine).load(path: SharedCorpus.packageRoot.appendingPathComponent("Samples/policies/school-nurse.yaml").path)
        let sharer = MessageSharer(policy: policy, engine: engine, key: Self.key)
        let yes = sharer.share(try converter.read(Data(given.utf8)).root)
        XCTAssertEqual(yes.consent, .given)
        XCTAssertNotNil(yes.root)
        let no = sharer.share(try converter.read(Data(refused.utf8)).root)
        XCTAssertEqual(no.consent, .refused)
        XCTAssertNil(no.root)
        let audit = String(decoding: try SharingAudit().lines(for: no, input: .named("m", position: 1), message: 0, policy: policy), as: UTF8.self)
        XCTAssertTrue(audit.contains("\"consent\":\"refused\""))
        XCTAssertTrue(audit.contains("\"outcome\":\"withheld\""))
    }

    func testEncryptedValuesAreRecoveredByTheKeyHolder() throws {
        let converter = try Converter()
        let engine = FHIRPathEngine(pack: converter.pack)
        let policy = try PolicyLoader(engine: engine).load(path: SharedCorpus.packageRoot.appendingPathComponent("Samples/policies/social-care.yaml").path)
        let input = try converter.read(Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml"))).root
        var withPhone = input
        // Give the patient a phone number (the sample has none) and share.
        for k in withPhone.children.indices where withPhone.children[k].name == "entry" {
            for r in withPhone.children[k].children.indices where withPhone.children[k].children[r].resourceType == "Patient" {
                withPhone.children[k].children[r].children.append(Element(name: "telecom", children: [
                    Element(name: "system", value: "phone"), Element(name: "value", value: "07700 900123"), Element(name: "use", value: "home")]))
            }
        }
        let out = try XCTUnwrap(MessageSharer(policy: policy, engine: engine, key: Self.key).share(withPhone).root)
        let bytes = Data(try converter.write(out, format: .xml).bytes)
        XCTAssertNil(bytes.range(of: Data("07700 900123".utf8)))
        XCTAssertNotNil(bytes.range(of: Data(MessageSharer.encryptedValueURL.utf8)))
        let recovered = try ElementDecryption.decrypt(out, key: Self.key)
        XCTAssertNotNil(Data(try converter.write(recovered, format: .xml).bytes).range(of: Data("07700 900123".utf8)))
        XCTAssertThrowsError(try ElementDecryption.decrypt(out, key: try SharingKey(secret: Data("a different key, also 32 bytes..".utf8))))
    }

    func testRequiredElementsRemovedArePutBack() throws {
        let converter = try Converter()
        let engine = FHIRPathEngine(pack: converter.pack)
        // Keeps the Immunization's dose only: status, notGiven, vaccineCode, patient, primarySource are required.
        let yaml = """
            dch-sharing-policy: 1
            name: minimal
            recipient: {setting: research}
            purpose: test
            lawful-basis: {article-6: 6(1)(e), article-9: 9(2)(j)}
            events: all
            required-elements: placeholder
            rules:
              - {select: type, action: keep}
              - {resource: Immunization, select: doseQuantity, action: keep}
            """
        let policy = try PolicyLoader(engine: engine).load(yaml: yaml, file: "m.yaml")
        let input = try converter.read(Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.json"))).root
        let outcome = MessageSharer(policy: policy, engine: engine, key: Self.key).share(input)
        let out = try XCTUnwrap(outcome.root)
        let required = outcome.decisions.filter { $0.rule == "required" }.map(\.path)
        for name in ["status", "notGiven", "vaccineCode", "patient", "primarySource"] {
            XCTAssertTrue(required.contains { $0.hasSuffix("resource." + name) }, "\(name): \(required)")
        }
        let checker = try MessageChecker(options: CheckOptions(profiles: [], schema: nil, eventRules: false))
        let report = checker.check(Data(try converter.write(out, format: .json).bytes), name: "m")
        XCTAssertEqual(report.issues.filter { $0.severity >= .error && $0.rule.hasPrefix("struct.") }.map(\.description), [])
    }
}
