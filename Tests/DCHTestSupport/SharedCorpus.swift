import Foundation
import XCTest

/// Finds `../shared` (the corpus and official definitions) beside the package root.
public enum SharedCorpus {
    /// The package root (two levels above this file's folder).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared`, or nil when it is absent.
    public static var root: URL? {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("corpus").path) ? url : nil
    }

    /// `../shared`, or skips the test with a message saying what is missing.
    public static func require(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        guard let root else {
            throw XCTSkip("../shared (corpus and official definitions) is absent beside the package; corpus test skipped",
                          file: file, line: line)
        }
        return root
    }

    /// Files with an extension in a corpus folder, sorted by name.
    public static func files(_ relativeFolder: String, extension ext: String) throws -> [URL] {
        let dir = try require().appendingPathComponent(relativeFolder)
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == ext }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The shipped definition pack folder (`Schemas/`).
    public static var schemas: URL { packageRoot.appendingPathComponent("Schemas") }
}
