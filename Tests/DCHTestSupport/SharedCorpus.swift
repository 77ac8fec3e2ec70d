import Foundation
import XCTest
import FHIRDefinitions

/// Finds `../shared` (the corpus and official definitions) beside the package root, and the
/// definition pack in `Schemas/`.
public enum SharedCorpus {
    /// The package root (two levels above this file's folder).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Where `../shared` is expected.
    private static var expectedRoot: URL { packageRoot.deletingLastPathComponent().appendingPathComponent("shared") }

    /// `../shared`, or nil when it is absent.
    public static var root: URL? {
        let url = expectedRoot
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("corpus").path) ? url : nil
    }

    /// `../shared`, or skips the test with a message saying what is missing.
    public static func require(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        guard let root else {
            throw Prerequisite.missing("\(expectedRoot.path) (../shared: corpus and official definitions) is absent beside the package; "
                          + "corpus test skipped", file: file, line: line)
        }
        return root
    }

    /// Files with an extension in a corpus folder, sorted by name (a skip when `../shared` is absent).
    public static func files(_ relativeFolder: String, extension ext: String) throws -> [URL] {
        let dir = try require().appendingPathComponent(relativeFolder)
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == ext }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The official STU3 `fhir-single.xsd` copied into `folder` with the two schemas it imports
    /// (`xml.xsd`, `fhir-xhtml.xsd`), which libxml2 looks for beside it; the copy's path.
    public static func officialXMLSchema(copiedInto folder: URL) throws -> String {
        let stu3 = try require().appendingPathComponent("fhir-stu3")
        let sources = ["xsd-3.0.1/fhir-single.xsd", "xsd-imports-from-fhir-1.8.0-build/xml.xsd",
                       "xsd-imports-from-fhir-1.8.0-build/fhir-xhtml.xsd"].map { stu3.appendingPathComponent($0) }
        for s in sources where !FileManager.default.fileExists(atPath: s.path) {
            throw Prerequisite.missing("\(s.path) is absent from ../shared; XML Schema test skipped")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for s in sources { try FileManager.default.copyItem(at: s, to: folder.appendingPathComponent(s.lastPathComponent)) }
        return folder.appendingPathComponent("fhir-single.xsd").path
    }

    /// The shipped definition pack folder (`Schemas/`).
    public static var schemas: URL { packageRoot.appendingPathComponent(DefinitionPackLayout.packageFolder) }

    /// True when `Schemas/` holds a generated pack (its index file).
    public static var hasSchemasPack: Bool {
        FileManager.default.fileExists(atPath: schemas.appendingPathComponent(DefinitionPackLayout.indexFileName).path)
    }

    /// The definition pack (`Schemas/`, or `$DCH_SCHEMAS`), or a skip when it has not been generated
    /// yet or cannot be read (a pack of an older format while the pack is being regenerated).
    public static func definitionPack(file: StaticString = #filePath, line: UInt = #line) throws -> DefinitionPack {
        let pack: DefinitionPack
        if ProcessInfo.processInfo.environment["DCH_SCHEMAS"] == nil, hasSchemasPack {
            pack = try DefinitionPack(directory: schemas)
        } else if let shipped = try? DefinitionPack.shipped() {
            pack = shipped
        } else {
            throw Prerequisite.missing("the definition pack (Schemas/\(DefinitionPackLayout.indexFileName)) is absent; "
                          + "run scripts/regenerate-pack", file: file, line: line)
        }
        do {
            guard try pack.context(forType: "Patient") != nil else {
                throw Prerequisite.missing("the definition pack in \(pack.directory.path) has no Patient; regenerate it (scripts/regenerate-pack)",
                              file: file, line: line)
            }
        } catch let skip as XCTSkip {
            throw skip
        } catch let missing as Prerequisite.Missing {
            throw missing
        } catch {
            throw Prerequisite.missing("the definition pack in \(pack.directory.path) cannot be read (\(error)); "
                          + "regenerate it (scripts/regenerate-pack)", file: file, line: line)
        }
        return pack
    }

    /// The R4 part of the definition pack (`Schemas/r4/`, or `$DCH_SCHEMAS/r4`), or a skip when it
    /// has not been generated.
    public static func r4DefinitionPack(file: StaticString = #filePath, line: UInt = #line) throws -> DefinitionPack {
        let stu3 = try definitionPack(file: file, line: line)
        let folder = stu3.directory.appendingPathComponent(DefinitionPackLayout.r4Folder)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(DefinitionPackLayout.indexFileName).path) else {
            throw Prerequisite.missing("the R4 part of the definition pack (\(folder.path)) is absent; run scripts/regenerate-pack",
                                       file: file, line: line)
        }
        return try DefinitionPack(directory: folder, fhirVersion: .r4)
    }

    /// The UK Core R4 example instances (XML) of both UK Core lines in `../shared/fhir-r4`, sorted by path.
    public static func ukCoreExamples() throws -> [URL] {
        try files("fhir-r4/uk-core/stu2-2.0.2/examples", extension: "xml")
            + files("fhir-r4/uk-core/stu3-currentbuild-main/examples", extension: "xml")
    }
}
