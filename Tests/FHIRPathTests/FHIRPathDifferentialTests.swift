import XCTest
import Foundation
import FHIRModel
import FHIRPath
import FHIRConversion
import FHIRValidation
import DCHTestSupport

/// Our FHIRPath engine against another implementation, fhirpathpy (PyPI, with its STU3 model),
/// over the corpus: (a) every invariant of the definition pack on every element layer 5 applies it
/// to, and (b) the navigation, function and date expressions of ``DifferentialExpressions`` on every
/// message. One Python process evaluates everything (`fhirpathpy_driver.py`, fed one JSON job).
///
/// Results are compared as collections of canonical values (made by the driver, for both sides):
/// booleans, numbers by value, strings and dates as written, objects as JSON. Types are not
/// compared (fhirpathpy returns plain values). Every disagreement must be one of
/// ``KnownDisagreement/all``, each with the reason from the FHIRPath specification that shows
/// fhirpathpy wrong; any other fails the test with a diff.
final class FHIRPathDifferentialTests: XCTestCase {
    func testOurEngineAgreesWithFhirpathpyOverTheCorpus() throws {
        let driver = try Fhirpathpy.require()
        let pack = try SharedCorpus.definitionPack()
        let engine = FHIRPathEngine(pack: pack)
        let converter = Converter(pack: pack)
        let checker = InvariantChecker(engine: engine)
        let renderer = FHIRPathResultRenderer(engine: engine)

        var job = DifferentialJob()
        var unreadable: [String] = []
        for file in try Self.corpusFiles() {
            let data = try Data(contentsOf: file)
            guard let root = try? converter.read(data).root,
                  let json = file.pathExtension == "json" ? data : try? Data(converter.convert(data, to: .json).bytes)
            else { unreadable.append(file.lastPathComponent); continue }
            let r = job.add(resource: json, name: file.lastPathComponent)
            // (a) the invariants, where layer 5 applies them.
            for application in checker.applications(in: root) {
                let environment = FHIRPathEnvironment(root: root, engine: engine)
                environment.resource = application.resource
                let ours = Result { try engine.evaluate(application.expression, on: application.element, in: environment) }
                let element = application.element
                job.add(r, application.expression.text, invariant: application.key, ours: ours.map(renderer.render),
                        at: application.path, base: element.context?.path ?? element.typeName ?? "",
                        resource: application.resourcePath)
            }
            // (b) our own expressions on the message's root.
            for text in DifferentialExpressions.all {
                let expression = try engine.compile(text).get()
                let ours = Result { try engine.evaluate(expression, onResource: root) }
                job.add(r, text, invariant: nil, ours: ours.map(renderer.render), at: nil, base: "", resource: nil)
            }
        }
        XCTAssertEqual(unreadable, [], "corpus files our converter cannot read")

        let results = try driver.run(job)
        XCTAssertEqual(results.count, job.evaluations.count)
        var tally = DifferentialTally()
        for (evaluation, theirs) in zip(job.evaluations, results) {
            tally.record(Disagreement(evaluation: evaluation, file: job.names[evaluation.resource], theirs: theirs))
        }
        print(tally.report(job))
        XCTAssertGreaterThanOrEqual(tally.invariantExpressions.count, 50, "invariant expressions compared")
        XCTAssertEqual(tally.writtenExpressions.count, DifferentialExpressions.all.count)
        XCTAssertEqual(tally.unexpected.count, 0, "disagreements no known reason explains:\n"
                       + tally.unexpected.prefix(40).map(\.diff).joined(separator: "\n"))
        for known in KnownDisagreement.all where tally.explained[known.id, default: 0] == 0 {
            XCTFail("known disagreement '\(known.id)' no longer occurs: remove it")
        }
    }

    /// The messages: the NHS examples (JSON as they are, XML converted by our converter) and the
    /// NEMS examples (XML, converted).
    static func corpusFiles() throws -> [URL] {
        try SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "json")
            + SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "xml")
            + SharedCorpus.files("corpus/nems-examples", extension: "xml")
    }
}

/// One evaluation of the job: on which message, what, where, and our result.
struct DifferentialEvaluation {
    var resource: Int
    var expression: String
    /// The invariant's key, or nil for a written expression.
    var invariant: String?
    /// Our items (`{"type","value"}` JSON objects), or our evaluation error.
    var ours: Result<[FHIRPathResultItem], Error>
    var at: String?
    var base: String
    var resourcePath: String?
}

/// The job for the driver: messages once, evaluations referring to them.
struct DifferentialJob {
    var resources: [Data] = []
    var names: [String] = []
    var evaluations: [DifferentialEvaluation] = []
    private var expressionIndex: [String: Int] = [:]
    private(set) var expressions: [String] = []

    mutating func add(resource: Data, name: String) -> Int {
        resources.append(resource)
        names.append(name)
        return resources.count - 1
    }

    mutating func add(_ resource: Int, _ expression: String, invariant: String?, ours: Result<[FHIRPathResultItem], Error>,
                      at: String?, base: String, resource resourcePath: String?) {
        if expressionIndex[expression] == nil {
            expressionIndex[expression] = expressions.count
            expressions.append(expression)
        }
        evaluations.append(DifferentialEvaluation(resource: resource, expression: expression, invariant: invariant,
                                                  ours: ours, at: at, base: base, resourcePath: resourcePath))
    }

    /// The job as JSON (messages embedded as they are).
    func encoded() -> Data {
        var out = Data("{\"resources\":[".utf8)
        for (k, resource) in resources.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            out.append(resource)
        }
        out.append(contentsOf: Array("],\"expressions\":[".utf8))
        out.append(contentsOf: Array(expressions.map(JSONString.quoted).joined(separator: ",").utf8))
        out.append(contentsOf: Array("],\"evaluations\":[".utf8))
        for (k, e) in evaluations.enumerated() {
            var s = k > 0 ? "," : ""
            s += "{\"r\":\(e.resource),\"e\":\(expressionIndex[e.expression]!),\"base\":\(JSONString.quoted(e.base))"
            if let at = e.at { s += ",\"at\":\(JSONString.quoted(at))" }
            if let res = e.resourcePath { s += ",\"res\":\(JSONString.quoted(res))" }
            switch e.ours {
            case let .success(items): s += ",\"ours\":[" + items.map(\.jsonObject).joined(separator: ",") + "]"
            case .failure: s += ",\"ours\":null"
            }
            out.append(contentsOf: Array((s + "}").utf8))
        }
        out.append(contentsOf: Array("]}".utf8))
        return out
    }
}

/// fhirpathpy's answer to one evaluation, and both sides in canonical form.
struct TheirResult {
    /// Our items made canonical by the driver (nil when our evaluation failed).
    var ours: [String]?
    /// Their items, or nil with `error` when fhirpathpy failed.
    var theirs: [String]?
    var error: String?
    /// Where they disagree: theirs on the message without `fhir_comments` ("uncommented"), and
    /// also with children()/descendants() leaving out `resourceType` ("typed_children").
    var uncommented: [String]?
    var typedChildren: [String]?
    /// And without comments or any `_name` object ("untwinned").
    var untwinned: [String]?
}

/// The driver ended with an error (a bug in it, not a missing prerequisite).
struct DriverFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs `fhirpathpy_driver.py` (beside this file) with python3.
struct Fhirpathpy {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("fhirpathpy_driver.py")

    /// The driver, or the missing prerequisite when python3 or fhirpathpy is absent.
    static func require() throws -> Fhirpathpy {
        let probe = try? run(["python3", "-c", "import fhirpathpy.models"], stdin: Data())
        guard let probe, probe.status == 0 else {
            throw Prerequisite.missing("python3 with fhirpathpy (the FHIRPath differential test compares our engine with it): "
                                       + "pip install fhirpathpy")
        }
        return Fhirpathpy()
    }

    /// Runs the job. With `DCH_DIFFERENTIAL_JOB=path` set, the job is also kept there (to rerun the
    /// driver by hand: `python3 fhirpathpy_driver.py < path`).
    func run(_ job: DifferentialJob) throws -> [TheirResult] {
        let encoded = job.encoded()
        if let keep = ProcessInfo.processInfo.environment["DCH_DIFFERENTIAL_JOB"] {
            try encoded.write(to: URL(fileURLWithPath: keep))
        }
        let result = try Self.run(["python3", Self.script.path], stdin: encoded)
        guard result.status == 0 else {
            throw DriverFailure(description: "fhirpathpy_driver.py failed (\(result.status)): \(result.stderr)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] else {
            throw DriverFailure(description: "fhirpathpy_driver.py wrote no JSON: \(String(decoding: result.stdout.prefix(300), as: UTF8.self)) \(result.stderr)")
        }
        let rows = object["results"] as? [[String: Any]] ?? []
        return rows.map { TheirResult(ours: $0["ours"] as? [String], theirs: $0["theirs"] as? [String],
                                      error: $0["error"] as? String, uncommented: $0["theirs_uncommented"] as? [String],
                                      typedChildren: $0["theirs_typed_children"] as? [String],
                                      untwinned: $0["theirs_untwinned"] as? [String]) }
    }

    /// Runs a process with `stdin` from a temporary file (so that no pipe can fill up while the
    /// other is written) and stderr to another; stdout is read to its end.
    private static func run(_ arguments: [String], stdin: Data) throws -> (status: Int32, stdout: Data, stderr: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fhirpathpy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputFile = folder.appendingPathComponent("job.json"), errorFile = folder.appendingPathComponent("stderr")
        try stdin.write(to: inputFile)
        try Data().write(to: errorFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, out, errors)
    }
}
