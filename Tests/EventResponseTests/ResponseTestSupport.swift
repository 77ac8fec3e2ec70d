import XCTest
import Foundation
import FHIRModel
import FHIRConversion
import FHIRValidation
import EventResponse
import MessageChecking
import DCHTestSupport

/// One converter and full validator over the shipped pack, shared by the tests (the cache warms once).
enum RT {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var shared: (Converter, Validator)?

    static func tools() throws -> (converter: Converter, validator: Validator) {
        if let shared = lock.withLock({ shared }) { return shared }
        let pack = try SharedCorpus.definitionPack()
        let made = (Converter(pack: pack), Validator(pack: pack))
        lock.withLock { shared = made }
        return made
    }

    /// A responder whose checker runs every layer but the event rules (these tests are about the
    /// response, not the event rules; `dch respond`'s tests run them).
    static func responder() throws -> Responder {
        let (converter, _) = try tools()
        return Responder(checker: try MessageChecker(converter: converter, catalogue: nil, options: CheckOptions(eventRules: false)))
    }

    static let settings = ResponseSettings(sourceEndpoint: "urn:nhs:addressing:asid:999000000009",
                                           sourceName: "Northfield child health system", odsCode: "X26",
                                           organizationName: "NORTHFIELD CHILD HEALTH",
                                           id: "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
                                           timestamp: "2026-03-14T10:20:00+00:00")

    static func sample(_ name: String) throws -> Data {
        try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples").appendingPathComponent(name))
    }

    /// The vaccination sample with two defects: an unknown element in the event coding, and a
    /// timestamp without a time.
    static func brokenSample() throws -> Data {
        var text = String(decoding: try sample("nems-vaccination-new.xml"), as: UTF8.self)
        text = text.replacingOccurrences(of: #"<code value="vaccinations-1"/>"#,
                                         with: #"<code value="vaccinations-1"/><favouriteColour value="blue"/>"#)
        text = text.replacingOccurrences(of: #"<timestamp value="2026-03-14T10:15:00+00:00"/>"#,
                                         with: #"<timestamp value="2026-03-14"/>"#)
        return Data(text.utf8)
    }

    /// The resources of a Bundle's entries, in order.
    static func resources(_ bundle: Element) -> [Element] {
        bundle.children(named: "entry").compactMap { $0.child("resource") }
    }

    /// The `input` of a Task whose type code is `code`.
    static func input(_ task: Element, code: String) -> Element? {
        task.children(named: "input").first { $0.descendant("type.coding.code")?.value == code }
    }

    /// Errors and warnings of the response once written in `format` and read back, validated with
    /// every layer.
    static func validateWritten(_ bundle: Element, format: MessageFormat) throws -> [Issue] {
        let (converter, validator) = try tools()
        let bytes = try converter.write(bundle, format: format).bytes
        let decoded = try converter.read(Data(bytes))
        return decoded.issues + validator.validate(decoded.root, syntax: format)
    }
}
