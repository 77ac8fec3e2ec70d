import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import FHIRValidation
import DCHTestSupport

/// Reading messages and editing trees for the validation tests.
enum VT {
    /// The shipped pack and one validator over it, shared by all tests (its cache warms once).
    static func validator(checkElementOrder: Bool = true) throws -> Validator {
        let pack = try SharedCorpus.definitionPack()
        if checkElementOrder {
            if let shared = lock.withLock({ sharedValidator }) { return shared }
            let made = Validator(pack: pack)
            lock.withLock { sharedValidator = made }
            return made
        }
        return Validator(pack: pack, options: ValidationOptions(checkElementOrder: checkElementOrder))
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var sharedValidator: Validator?

    static func read(_ data: Data) throws -> (Element, MessageFormat) {
        let pack = try SharedCorpus.definitionPack()
        let decoded = try Converter(pack: pack).read(data)
        let format = decoded.format
        return (decoded.root, format)
    }

    static func sample(_ name: String) throws -> Data {
        try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples").appendingPathComponent(name))
    }

    /// The XML sample rewritten as JSON by our converter (a valid JSON message to mutate as text).
    static func jsonText(ofSample name: String) throws -> String {
        let pack = try SharedCorpus.definitionPack()
        let (root, _) = try read(try sample(name))
        let encoded = try Converter(pack: pack).write(root, format: .json, pretty: true)
        return String(decoding: encoded.bytes, as: UTF8.self)
    }

    static func errors(_ issues: [Issue]) -> [Issue] { issues.filter { $0.severity >= .error } }

    /// Errors and warnings: what makes a message less than valid (information, such as a binding
    /// to SNOMED CT that cannot be checked offline, does not).
    static func findings(_ issues: [Issue]) -> [Issue] { issues.filter { $0.severity >= .warning } }

    /// The rule prefixes of layers 2, 3 and 5 (profiles, terminology, invariants).
    static let definitionLayerPrefixes = ["profile.", "terminology.", "invariant."]

    /// Issues of layers 1 and 4 only (structure, values, Bundles) and of reading: what the tests
    /// written for those layers record; the other layers have tests of their own.
    static func structureAndBundle(_ issues: [Issue]) -> [Issue] {
        issues.filter { issue in !definitionLayerPrefixes.contains { issue.rule.hasPrefix($0) } }
    }
}

extension Element {
    /// Edits the descendant reached by `steps` (name, index among same-named children).
    mutating func edit(_ steps: [(String, Int)], _ change: (inout Element) -> Void) {
        guard let (name, index) = steps.first else { return change(&self) }
        let positions = children.indices.filter { children[$0].name == name }
        precondition(index < positions.count, "no \(name)[\(index)] under \(self.name)")
        children[positions[index]].edit(Array(steps.dropFirst()), change)
    }

    /// Index of the first child with this name, which the test requires to exist.
    func positionOfChild(_ name: String) -> Int {
        guard let i = indexOfChild(name) else { preconditionFailure("no \(name) in \(self.name)") }
        return i
    }
}
