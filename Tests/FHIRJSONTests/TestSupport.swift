import Foundation
import XCTest
import FHIRModel
import FHIRDefinitions
@testable import FHIRJSON

/// The package root (this file is `<root>/Tests/FHIRJSONTests/TestSupport.swift`).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// `<package root>/../shared`, or a skip when it is absent.
func sharedFolder() throws -> URL {
    let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    guard FileManager.default.fileExists(atPath: url.appendingPathComponent("corpus").path) else {
        throw XCTSkip("the shared inputs folder \(url.path) is absent; corpus tests skipped")
    }
    return url
}

/// The JSON files of the NHS examples, or a skip.
func corpusJSONFiles() throws -> [URL] {
    let dir = try sharedFolder().appendingPathComponent("corpus/nhs-stu3-assets/Examples")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
    guard !names.isEmpty else { throw XCTSkip("no JSON examples in \(dir.path)") }
    return names.map { dir.appendingPathComponent($0) }
}

/// The definition pack (`Schemas/`, or `$DCH_SCHEMAS`), or a skip when it has not been generated yet
/// or cannot be read (a pack of an older format while the pack is being regenerated).
func definitionPack() throws -> DefinitionPack {
    let schemas = packageRoot.appendingPathComponent("Schemas")
    let pack: DefinitionPack
    if ProcessInfo.processInfo.environment["DCH_SCHEMAS"] == nil,
       FileManager.default.fileExists(atPath: schemas.appendingPathComponent(DefinitionPackLayout.indexFileName).path) {
        pack = try DefinitionPack(directory: schemas)
    } else if let shipped = try? DefinitionPack.shipped() {
        pack = shipped
    } else {
        throw XCTSkip("the definition pack (Schemas/\(DefinitionPackLayout.indexFileName)) is absent; writer tests skipped")
    }
    do {
        guard try pack.context(forType: "Patient") != nil else {
            throw XCTSkip("the definition pack in \(pack.directory.path) has no Patient; regenerate it (scripts/regenerate-pack)")
        }
    } catch let skip as XCTSkip {
        throw skip
    } catch {
        throw XCTSkip("the definition pack in \(pack.directory.path) cannot be read (\(error)); regenerate it (scripts/regenerate-pack)")
    }
    return pack
}

func readJSON(_ text: String, options: JSONReadOptions = .init()) throws -> Decoded {
    try FHIRJSONReader(options: options).read(text)
}

/// The issues of a failed read; fails the test when the read succeeded.
func readErrors(_ text: String, options: JSONReadOptions = .init(),
                file: StaticString = #filePath, line: UInt = #line) -> [Issue] {
    do {
        let decoded = try FHIRJSONReader(options: options).read(text)
        XCTFail("expected an error, got a tree: \(decoded.root)", file: file, line: line)
        return []
    } catch let error as IssuesError {
        return error.issues
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
        return []
    }
}

/// The same tree with every position cleared (for comparing trees read from different bytes).
func withoutPositions(_ e: Element) -> Element {
    var copy = e
    copy.position = .unknown
    copy.children = e.children.map(withoutPositions)
    return copy
}

/// The first difference between two trees, as a readable string (nil when equal, positions ignored).
func firstDifference(_ a: Element, _ b: Element, path: String = "") -> String? {
    let here = path.isEmpty ? a.name : path
    if a.name != b.name { return "\(here): name \(a.name) vs \(b.name)" }
    if a.resourceType != b.resourceType { return "\(here): resourceType \(a.resourceType ?? "nil") vs \(b.resourceType ?? "nil")" }
    if a.value != b.value { return "\(here): value \(a.value ?? "nil") vs \(b.value ?? "nil")" }
    if a.valueKind != b.valueKind { return "\(here): valueKind \(a.valueKind) vs \(b.valueKind)" }
    if a.id != b.id { return "\(here): id \(a.id ?? "nil") vs \(b.id ?? "nil")" }
    if a.url != b.url { return "\(here): url \(a.url ?? "nil") vs \(b.url ?? "nil")" }
    if a.comments != b.comments { return "\(here): comments \(a.comments) vs \(b.comments)" }
    if a.trailingComments != b.trailingComments {
        return "\(here): trailingComments \(a.trailingComments) vs \(b.trailingComments)"
    }
    if a.children.count != b.children.count {
        return "\(here): \(a.children.count) children (\(a.children.map(\.name))) vs \(b.children.count) (\(b.children.map(\.name)))"
    }
    for (i, (x, y)) in zip(a.children, b.children).enumerated() {
        if let d = firstDifference(x, y, path: "\(here).\(x.name)#\(i)") { return d }
    }
    return nil
}

extension Encoded {
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
